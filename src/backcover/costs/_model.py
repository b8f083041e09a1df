"""The plan model: a health plan's cost sharing as plain frozen dataclasses (what a plan file says)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from backcover.costs._money import ZERO
from backcover.vocab import BenefitCategory, Payer, PlanKind, payer_for_plan_kind

__all__ = [
    "BENEFITS",
    "COB_METHODS",
    "KINDS",
    "MEDIGAP",
    "NETWORK_TYPES",
    "Accumulators",
    "Benefit",
    "Deductible",
    "Hsa",
    "MedicareAmounts",
    "OopMax",
    "OutOfNetwork",
    "Plan",
    "Supplemental",
]

# The plan kinds a plan file may have (CONTRACTS.md section 2, plus uninsured). Medicaid
# fee-for-service is an appeal route, not a plan file of its own: its plan files say `medicaid`.
KINDS: tuple[PlanKind, ...] = tuple(k for k in PlanKind if k is not PlanKind.MEDICAID_FFS)
NETWORK_TYPES: tuple[str, ...] = ("ppo", "hmo", "epo", "pos", "none")
MEDIGAP: tuple[str, ...] = ("G", "N", "none")
COB_METHODS: tuple[str, ...] = ("standard", "non_duplication")

# The fixed vocabulary of benefit categories (CONTRACTS.md section 2, plus the procedure catalog's).
BENEFITS: tuple[BenefitCategory, ...] = tuple(BenefitCategory)


@dataclass(frozen=True, slots=True)
class Benefit:
    """In-network cost sharing for one benefit category."""

    covered: bool = True
    copay: Decimal | None = None
    coinsurance: Decimal = ZERO
    deductible_applies: bool = True
    visit_limit: int | None = None
    referral_required: bool = False


@dataclass(frozen=True, slots=True)
class Deductible:
    individual: Decimal
    family: Decimal | None = None
    embedded: bool = True


@dataclass(frozen=True, slots=True)
class OopMax:
    """Out-of-pocket maximum; ``None`` means no limit."""

    individual: Decimal | None
    family: Decimal | None = None


@dataclass(frozen=True, slots=True)
class OutOfNetwork:
    covered: bool
    deductible: Deductible | None = None
    oop_max: OopMax = OopMax(None)
    coinsurance: Decimal = ZERO


@dataclass(frozen=True, slots=True)
class Accumulators:
    """What has been met so far this plan year (money exact, as written)."""

    deductible_met: Decimal = ZERO
    oop_met: Decimal = ZERO
    family_deductible_met: Decimal = ZERO
    family_oop_met: Decimal = ZERO
    oon_deductible_met: Decimal = ZERO
    oon_oop_met: Decimal = ZERO
    part_b_deductible_met: Decimal = ZERO
    part_a_deductible_met: Decimal = ZERO
    visits_used: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class MedicareAmounts:
    """Original Medicare's own amounts for a year, with their source."""

    year: int
    part_b_deductible: Decimal
    part_a_deductible: Decimal
    part_b_coinsurance: Decimal
    limiting_charge_factor: Decimal
    part_b_premium_monthly: Decimal
    source: str


@dataclass(frozen=True, slots=True)
class Hsa:
    """A health savings account paired with a high-deductible plan."""

    balance: Decimal | None = None
    coverage: str = "self"
    age_55_plus: bool = False


@dataclass(frozen=True, slots=True)
class Supplemental:
    """A supplemental policy: a hospital-indemnity lump sum or an accident policy."""

    kind: str
    name: str
    per_admission: Decimal | None = None
    per_day: Decimal | None = None
    pays: Mapping[str, Decimal] = field(default_factory=dict)
    waiting_period_days: int = 0
    effective: dt.date | None = None
    accident_only: bool = False


@dataclass(frozen=True, slots=True)
class Plan:
    name: str
    kind: PlanKind
    network_type: str
    year: int
    deductible: Deductible
    oop_max: OopMax
    out_of_network: OutOfNetwork
    benefits: Mapping[str, Benefit]
    accumulators: Accumulators
    medigap: str = "none"
    medicare: MedicareAmounts | None = None
    hsa: Hsa | None = None
    supplemental: tuple[Supplemental, ...] = ()
    premium_monthly: Decimal | None = None
    referrals_required: bool = False
    example: bool = False
    file: str = "<plan>"
    warnings: tuple[str, ...] = ()
    accumulator_fields: tuple[str, ...] = ()
    # the first day of the plan year the accumulators belong to (renews on the same day each year);
    # None: the calendar year of the first dated line
    plan_year_start: dt.date | None = None
    # Medicaid only: the person is a Qualified Medicare Beneficiary (owes no Medicare cost sharing)
    qmb: bool = False
    # how this plan pays when it is the secondary plan: standard | non_duplication (see ``_cob``)
    cob_method: str = "standard"

    @property
    def nsa_applies(self) -> bool:
        """The No Surprises Act's protections apply to private plans only (CONTRACTS rule 4)."""
        return self.payer is Payer.COMMERCIAL

    @property
    def payer(self) -> Payer | None:
        """Whose rules apply (``None`` for no insurance)."""
        return payer_for_plan_kind(self.kind)
