"""Every clinician's network, checked: a directory decides ``network`` and ``facility_network`` for
the lines that do not state them (CONTRACTS.md section 2, ``--directory``).

Pure: the directory was read before (:func:`backcover.costs._directory_io.read_directory`). A line
whose clinician the directory does not list, or that gives no NPI, becomes ``network: unknown`` (priced
both ways); a facility it does not list stays unknown. Each decided line carries a
:class:`~backcover.costs._lines.NetworkSource`: the status, the NPI, the directory, the network and
when it was checked.
"""

from __future__ import annotations

import dataclasses

from backcover.costs._directory import Directory
from backcover.costs._lines import Line, NetworkSource

__all__ = ["check_lines", "npis_of"]


def npis_of(lines: list[Line]) -> list[str]:
    """The NPIs a directory must be asked about (the lines that do not state their network)."""
    out: list[str] = []
    for ln in lines:
        if not ln.network_stated and ln.npi:
            out.append(ln.npi)
        if not ln.facility_network_stated and ln.facility_npi:
            out.append(ln.facility_npi)
    return sorted(set(out))


def check_lines(lines: list[Line], directory: Directory, network: str | None = None) -> list[Line]:
    """The lines with the directory's answers filled in (lines that state both are unchanged)."""
    keys: frozenset[str] = frozenset()
    label: str | None = network
    if directory.error is None:
        keys, label = directory.plan_networks(network)
    out: list[Line] = []
    for ln in lines:
        decide_net = not ln.network_stated
        decide_fac = not ln.facility_network_stated and ln.facility_npi is not None
        if not (decide_net or decide_fac):
            out.append(ln)
            continue
        status, reason = ln.network, "stated on the line"
        if decide_net:
            if ln.npi is None:
                status, reason = "unknown", "the line gives no npi to look up"
            else:
                found = directory.lookup(ln.npi, keys, label or "", ln.date)
                status, reason = found.status, found.reason
        fac = ln.facility_network
        fac_status = fac or "unknown"
        if decide_fac:
            assert ln.facility_npi is not None
            fac_status = directory.lookup(ln.facility_npi, keys, label or "", ln.date).status
            fac = None if fac_status == "unknown" else fac_status
        source = NetworkSource(
            status=status,
            npi=ln.npi,
            directory=directory.source,
            network=label,
            checked_at=directory.checked_at,
            reason=reason,
            facility_status=fac_status if ln.facility_npi is not None else None,
            facility_npi=ln.facility_npi,
            stated_on_line=not decide_net,
        )
        out.append(dataclasses.replace(ln, network=status, facility_network=fac, network_source=source))
    return out
