"""A payer's provider directory in the Da Vinci PDex Plan-Net shape (FHIR R4), read into plain data.

Pure: this module takes resources already read (:mod:`backcover.costs._directory_io` reads files and
FHIR servers). What it uses of each profile:

- ``InsurancePlan``: ``name``, ``network`` and ``plan[].network`` (references to networks);
- a network: an ``Organization`` with the plannet-Network profile, or ``type`` code ``ntwk``;
- ``Practitioner`` and ``Organization``: ``identifier`` with the NPI system
  (``http://hl7.org/fhir/sid/us-npi``);
- ``PractitionerRole``: ``practitioner``, ``organization``, ``location``, ``active``, ``period`` and
  the ``network-reference`` extension (the network the role takes part in);
- ``OrganizationAffiliation``: ``participatingOrganization``, ``network[]`` (and the same extension),
  ``active``, ``period``;
- ``Location``: ``name`` (shown with a role).

A clinician or facility the directory does not list, or lists with no network, is ``unknown``:
nothing is assumed in network.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from backcover.errors import BadInput
from backcover.yamlio import suggest

__all__ = ["NETWORK_REFERENCE", "NPI_SYSTEM", "Directory", "Lookup", "parse_resources"]

NPI_SYSTEM = "http://hl7.org/fhir/sid/us-npi"
NETWORK_REFERENCE = "http://hl7.org/fhir/us/davinci-pdex-plan-net/StructureDefinition/network-reference"
_NETWORK_PROFILE = "http://hl7.org/fhir/us/davinci-pdex-plan-net/StructureDefinition/plannet-Network"


@dataclass(frozen=True, slots=True)
class _Link:
    """A role or affiliation: who (a Practitioner or Organization key) takes part in which networks."""

    who: str
    networks: tuple[str, ...]
    active: bool
    start: dt.date | None
    end: dt.date | None
    locations: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Lookup:
    status: str  # in | out | unknown
    network: str | None
    reason: str


@dataclass(frozen=True, slots=True)
class Directory:
    """What a directory says about networks and who takes part in them."""

    source: str
    checked_at: str | None = None
    error: str | None = None  # the directory could not be reached or read: every lookup is unknown
    networks: Mapping[str, str] = field(default_factory=dict)  # key -> name
    plans: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (name, network keys)
    by_npi: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # NPI -> resource keys
    links: tuple[_Link, ...] = ()
    locations: Mapping[str, str] = field(default_factory=dict)

    def plan_networks(self, network: str | None) -> tuple[frozenset[str], str]:
        """The plan's networks: ``network`` (a name or id), else the only InsurancePlan's networks."""
        if network is not None:
            want = network.strip().lower()
            keys = frozenset(
                k
                for k, name in self.networks.items()
                if want in (k.lower(), k.split("/")[-1].lower(), name.lower())
            )
            if not keys:
                names = sorted(self.networks.values())
                raise BadInput(
                    f"the directory lists no network named {network!r}",
                    suggest(network, names) if names else "the directory lists no networks",
                    self.source,
                    "--network",
                )
            return keys, ", ".join(sorted(self.networks[k] for k in keys))
        if len(self.plans) == 1:
            name, plan_keys = self.plans[0]
            label = ", ".join(sorted(self.networks.get(k, k) for k in plan_keys)) or name
            return frozenset(plan_keys), label
        if not self.plans and len(self.networks) == 1:
            ((key, name),) = self.networks.items()
            return frozenset({key}), name
        names = sorted(self.networks.values())
        raise BadInput(
            f"the directory lists {len(self.plans)} insurance plans and {len(names)} networks: "
            "which one is yours?",
            "name your plan's network with --network" + (f" ({', '.join(names)})" if names else ""),
            self.source,
            "--network",
        )

    def lookup(self, npi: str, networks: frozenset[str], label: str, on: dt.date | None = None) -> Lookup:
        """Whether the clinician or facility with this NPI takes part in one of ``networks``."""
        if self.error is not None:
            return Lookup("unknown", None, f"the directory could not be read: {self.error}")
        keys = self.by_npi.get(npi)
        if not keys:
            return Lookup("unknown", None, f"the directory does not list NPI {npi}")
        links = [ln for ln in self.links if ln.who in keys and ln.active and _current(ln, on)]
        for ln in links:
            hit = sorted(set(ln.networks) & networks)
            if hit:
                where = [self.locations[x] for x in ln.locations if x in self.locations]
                at = f" at {', '.join(where)}" if where else ""
                return Lookup("in", label, f"listed in {self.networks.get(hit[0], hit[0])}{at}")
        others = sorted({self.networks.get(n, n) for ln in links for n in ln.networks})
        if others:
            return Lookup("out", label, f"listed only in other networks ({', '.join(others)})")
        return Lookup("unknown", None, "listed, but no current network is given for this NPI")


def _current(ln: _Link, on: dt.date | None) -> bool:
    if on is None:
        return True
    return (ln.start is None or ln.start <= on) and (ln.end is None or on <= ln.end)


def _key(ref: Any) -> str | None:
    """``Organization/abc`` from a Reference (relative or absolute)."""
    if not isinstance(ref, Mapping) or not isinstance(ref.get("reference"), str):
        return None
    parts = ref["reference"].rstrip("/").split("/")
    if "_history" in parts:
        parts = parts[: parts.index("_history")]
    return "/".join(parts[-2:]) if len(parts) >= 2 else None


def _refs(items: Any) -> list[str]:
    if not isinstance(items, list):
        items = [items] if items else []
    return [k for k in (_key(x) for x in items) if k]


def _ext_networks(res: Mapping[str, Any]) -> list[str]:
    out: list[str] = []
    for ext in res.get("extension") or []:
        if isinstance(ext, Mapping) and ext.get("url") == NETWORK_REFERENCE:
            out.extend(_refs(ext.get("valueReference")))
    return out


def _date(value: Any) -> dt.date | None:
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _is_network(res: Mapping[str, Any]) -> bool:
    profiles = (res.get("meta") or {}).get("profile") or []
    if any(str(p).split("|")[0] == _NETWORK_PROFILE for p in profiles):
        return True
    for t in res.get("type") or []:
        for c in (t or {}).get("coding") or []:
            if (c or {}).get("code") == "ntwk":
                return True
    return False


def _npis(res: Mapping[str, Any]) -> list[str]:
    return [
        str(i["value"])
        for i in res.get("identifier") or []
        if isinstance(i, Mapping) and i.get("system") == NPI_SYSTEM and i.get("value")
    ]


def _link(who: str | None, nets: list[str], res: Mapping[str, Any], locations: list[str]) -> _Link | None:
    if who is None:
        return None
    period = res.get("period") or {}
    return _Link(
        who=who,
        networks=tuple(dict.fromkeys(nets)),
        active=res.get("active") is not False,
        start=_date(period.get("start")),
        end=_date(period.get("end")),
        locations=tuple(locations),
    )


def parse_resources(resources: Iterable[Any], source: str, checked_at: str | None = None) -> Directory:
    """A :class:`Directory` from Plan-Net resources (anything else is skipped)."""
    networks: dict[str, str] = {}
    plans: list[tuple[str, tuple[str, ...]]] = []
    by_npi: dict[str, list[str]] = {}
    links: list[_Link] = []
    locations: dict[str, str] = {}
    for res in resources:
        if not isinstance(res, Mapping) or not isinstance(res.get("id"), str):
            continue
        kind = res.get("resourceType")
        key = f"{kind}/{res['id']}"
        if kind == "Organization" and _is_network(res):
            networks[key] = str(res.get("name") or res["id"])
        if kind in ("Practitioner", "Organization"):
            for npi in _npis(res):
                by_npi.setdefault(npi, []).append(key)
        elif kind == "InsurancePlan":
            nets = _refs(res.get("network"))
            for p in res.get("plan") or []:
                if isinstance(p, Mapping):
                    nets.extend(_refs(p.get("network")))
            plans.append((str(res.get("name") or res["id"]), tuple(dict.fromkeys(nets))))
        elif kind == "PractitionerRole":
            # the role's organization is where the clinician works; the extension names the network
            ln = _link(_key(res.get("practitioner")), _ext_networks(res), res, _refs(res.get("location")))
            if ln is not None:
                links.append(ln)
        elif kind == "OrganizationAffiliation":
            nets = _refs(res.get("network")) + _ext_networks(res)
            ln = _link(_key(res.get("participatingOrganization")), nets, res, _refs(res.get("location")))
            if ln is not None:
                links.append(ln)
        elif kind == "Location":
            locations[key] = str(res.get("name") or res["id"])
    return Directory(
        source=source,
        checked_at=checked_at,
        networks=networks,
        plans=tuple(plans),
        by_npi={k: tuple(v) for k, v in by_npi.items()},
        links=tuple(links),
        locations=locations,
    )
