"""CONTRACTS.md section 2, rule 4: whether the No Surprises Act protects an out-of-network line, and
the reason shown on the line either way (office settings, a signed consent, an out-of-network or
unknown facility are not protected outside an emergency)."""

from __future__ import annotations

from backcover.costs._lines import FACILITY_SETTINGS, Line

__all__ = ["nsa_protected"]


def nsa_protected(line: Line, never_waivable: frozenset[str]) -> tuple[bool, str]:
    """Whether rule 4 protects an out-of-network line, and why (or why not)."""
    if line.emergency:
        return True, "Emergency care: the No Surprises Act protects it wherever it was given."
    if line.setting not in FACILITY_SETTINGS:
        where = (
            "care in an office"
            if line.setting == "office"
            else f"care in the {line.setting} setting"
            if line.setting
            else "care whose setting is not given"
        )
        return False, (
            f"The No Surprises Act does not protect this line: its facility protections do not cover "
            f"{where} (only hospitals, hospital outpatient departments and surgery centers), and it is "
            "not an emergency."
        )
    if line.facility_network == "out":
        return False, (
            "The No Surprises Act does not protect this line: the facility itself is out of network and this "
            "is not an emergency."
        )
    if line.facility_network != "in":
        return False, (
            "The No Surprises Act may not protect this line: the facility's network status is unknown, and "
            "its protection needs an in-network facility (outside an emergency)."
        )
    if line.role in never_waivable:
        return True, (
            f"Out-of-network {line.role.replace('_', ' ')} at an in-network facility: the No Surprises Act "
            "protects it, and this protection cannot be waived by any consent form."
        )
    if not line.consent_signed:
        return True, (
            "Out-of-network clinician at an in-network facility, with no signed notice-and-consent: the No "
            "Surprises Act protects it. Signing the consent form (CMS-10780) would give that protection up."
        )
    return False, (
        "The No Surprises Act does not protect this line: a notice-and-consent was signed, which gives up "
        "its protection for this clinician."
    )
