"""The US states, the District of Columbia and the territories, by USPS code and by name.

:func:`parse_state` accepts a code (``ny``) or a name (``New York``) and refuses anything else with a
"did you mean"; ``backcover.vocab`` re-exports all of this.
"""

from __future__ import annotations

import difflib

from backcover.errors import BadInput

__all__ = ["STATES", "parse_state", "state_name"]

# The 50 states, the District of Columbia and the territories (USPS codes).
STATES: dict[str, str] = {
    "AL": "Alabama",
    "AK": "Alaska",
    "AZ": "Arizona",
    "AR": "Arkansas",
    "CA": "California",
    "CO": "Colorado",
    "CT": "Connecticut",
    "DE": "Delaware",
    "DC": "District of Columbia",
    "FL": "Florida",
    "GA": "Georgia",
    "HI": "Hawaii",
    "ID": "Idaho",
    "IL": "Illinois",
    "IN": "Indiana",
    "IA": "Iowa",
    "KS": "Kansas",
    "KY": "Kentucky",
    "LA": "Louisiana",
    "ME": "Maine",
    "MD": "Maryland",
    "MA": "Massachusetts",
    "MI": "Michigan",
    "MN": "Minnesota",
    "MS": "Mississippi",
    "MO": "Missouri",
    "MT": "Montana",
    "NE": "Nebraska",
    "NV": "Nevada",
    "NH": "New Hampshire",
    "NJ": "New Jersey",
    "NM": "New Mexico",
    "NY": "New York",
    "NC": "North Carolina",
    "ND": "North Dakota",
    "OH": "Ohio",
    "OK": "Oklahoma",
    "OR": "Oregon",
    "PA": "Pennsylvania",
    "RI": "Rhode Island",
    "SC": "South Carolina",
    "SD": "South Dakota",
    "TN": "Tennessee",
    "TX": "Texas",
    "UT": "Utah",
    "VT": "Vermont",
    "VA": "Virginia",
    "WA": "Washington",
    "WV": "West Virginia",
    "WI": "Wisconsin",
    "WY": "Wyoming",
    "AS": "American Samoa",
    "GU": "Guam",
    "MP": "Northern Mariana Islands",
    "PR": "Puerto Rico",
    "VI": "U.S. Virgin Islands",
}
_STATE_BY_NAME = {name.lower(): code for code, name in STATES.items()} | {
    "washington dc": "DC",
    "washington, d.c.": "DC",
    "d.c.": "DC",
    "virgin islands": "VI",
    "us virgin islands": "VI",
}


def parse_state(value: str, where: str | None = "--state") -> str:
    """A USPS state code from a code (``ny``) or a name (``New York``); anything else is BadInput."""
    text = " ".join(value.split())
    if text.upper() in STATES:
        return text.upper()
    code = _STATE_BY_NAME.get(text.lower())
    if code is not None:
        return code
    close = difflib.get_close_matches(text.lower(), list(_STATE_BY_NAME), n=1, cutoff=0.75)
    hint = f"did you mean {STATES[_STATE_BY_NAME[close[0]]]!r}? " if close else ""
    raise BadInput(
        f"unknown state {value!r}",
        hint + "give a two-letter code or the full name of a state, DC or a territory, e.g. NY or New York",
        where=where,
    )


def state_name(code: str) -> str:
    return STATES.get(code.upper(), code)
