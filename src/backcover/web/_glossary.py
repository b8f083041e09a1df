"""Plain-language help for the words the app uses. Each page links a term to its entry on /help."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["GLOSSARY", "Term"]


@dataclass(frozen=True, slots=True)
class Term:
    key: str
    word: str
    meaning: str


_TERMS: tuple[Term, ...] = (
    Term(
        "sbc",
        "Summary of Benefits and Coverage (SBC)",
        "A short form every health plan must give you, laid out the same way by law: page 1 answers "
        "questions such as the deductible and the out-of-pocket limit; a chart from page 2 lists what you "
        "pay for each kind of care. Ask your insurer or employer for it, or find it on the plan's website.",
    ),
    Term(
        "prior-authorization",
        "Prior authorization",
        "Permission your plan must give before some care, or it may refuse to pay. Your clinic usually "
        "asks for it; you can check that they did.",
    ),
    Term(
        "medical-necessity",
        "Medical necessity",
        "The plan's test for whether care is needed for your condition. Each plan writes down what your "
        "records must show (for example weeks of physical therapy first).",
    ),
    Term(
        "policy",
        "Coverage policy (NCD, LCD, guideline)",
        "The written rules a payer uses to decide coverage. Medicare's are called NCDs (national) and "
        "LCDs (local, by region); private plans publish guidelines, often through a vendor such as eviCore.",
    ),
    Term(
        "criteria",
        "Criteria",
        "The separate conditions in a policy that must all be shown, such as a diagnosis, a length of "
        "treatment, or a test result.",
    ),
    Term(
        "conservative-care",
        "Conservative care",
        "Treatment without injections or surgery: physical therapy, exercise, medicines such as "
        "ibuprofen, chiropractic care. Plans often want several weeks of it first.",
    ),
    Term(
        "red-flag",
        "Red flag",
        "A warning sign (such as loss of bladder control, cancer history, fever, major weakness) that "
        "lets care go ahead without waiting for conservative care.",
    ),
    Term(
        "earliest-eligible-date",
        "Earliest eligible date",
        "The first day the waiting-time rules could be met if your current care goes on. Other missing "
        "paperwork still has to be in your records by then.",
    ),
    Term(
        "decision",
        "Decision",
        "backcover's reading of the policy against your records: meets the criteria, needs documentation "
        "(something is not written down yet), criteria not met (the records show a rule is not met yet), "
        "or not covered (the plan does not pay for this in your situation).",
    ),
    Term(
        "evidence",
        "Evidence and where it came from",
        "Each fact used is shown with its date and source: your clinic's records (EHR), insurance claims, "
        "or what you reported yourself. Plans want clinic records for self-reported facts.",
    ),
    Term(
        "setting",
        "Setting",
        "Where the care happens: a doctor's office, an ambulatory surgery center (ASC), a hospital "
        "outpatient department, or a hospital stay (inpatient). It changes the price and sometimes "
        "the rules.",
    ),
    Term(
        "payer",
        "Payer",
        "Who pays the bill: Original Medicare, a Medicare Advantage plan, a private (commercial or "
        "marketplace) plan, or Medicaid.",
    ),
    Term(
        "deductible",
        "Deductible",
        "What you pay each year before your plan starts sharing the cost of most care.",
    ),
    Term(
        "copay",
        "Copay",
        "A fixed amount you pay for a visit or service, such as $40 for a therapy session.",
    ),
    Term(
        "coinsurance",
        "Coinsurance",
        "Your percentage of the cost after the deductible, such as 20%.",
    ),
    Term(
        "oop-max",
        "Out-of-pocket maximum",
        "The most you pay in a year for covered in-network care. After that, the plan pays in full.",
    ),
    Term(
        "accumulators",
        "Amounts met so far",
        "How much you have already paid toward this year's deductible and out-of-pocket maximum. Your "
        "plan's website or your latest Explanation of Benefits shows them.",
    ),
    Term(
        "network",
        "In network, out of network",
        "Clinicians and facilities that have a contract with your plan are in network. Out of network "
        "usually costs more, or is not covered at all on an HMO.",
    ),
    Term(
        "balance-bill",
        "Balance bill (surprise bill)",
        "When an out-of-network clinician bills you for the difference between their price and what your "
        "plan allows.",
    ),
    Term(
        "no-surprises-act",
        "No Surprises Act",
        "A federal law that protects people with private insurance from most surprise bills: emergencies, "
        "and out-of-network clinicians at an in-network hospital or surgery center (unless you validly "
        "agreed in writing in advance; for anesthesia, radiology and some others you cannot be asked to).",
    ),
    Term(
        "hsa",
        "HSA (Health Savings Account)",
        "A tax-free savings account that goes with a high-deductible plan. It can pay your share of "
        "medical bills.",
    ),
    Term(
        "good-faith-estimate",
        "Good Faith Estimate",
        "A written price that a clinician or facility must give you when you are uninsured or paying "
        "yourself. If the bill is $400 or more above it, you can dispute the bill.",
    ),
    Term(
        "allowed-amount",
        "Allowed amount",
        "The price your plan has agreed to (or accepts) for a service. Your share is worked out from it.",
    ),
    Term(
        "case",
        "Case",
        "One procedure you are trying to get covered, with its requests, documents, denials and deadlines.",
    ),
    Term(
        "denial",
        "Denial",
        "A plan's refusal to authorize or pay for care. It must say why; you can appeal it.",
    ),
    Term(
        "carc",
        "Denial reason code (CARC)",
        "A standard number on an Explanation of Benefits or remittance that says why a claim was not paid "
        "in full. For example 50 means the plan judged the service not medically necessary.",
    ),
    Term(
        "appeal",
        "Appeal",
        "Asking the plan to look again at a denial. There are deadlines and several levels; an outside "
        "reviewer (external review) is often the last level.",
    ),
    Term(
        "external-review",
        "External review",
        "A review of a denial by an independent organisation, not the plan. Its decision binds the plan.",
    ),
    Term(
        "peer-to-peer",
        "Peer-to-peer review",
        "A phone call between your doctor and the plan's reviewing doctor to discuss a denial.",
    ),
    Term(
        "pain-score",
        "Pain score (0–10)",
        "How bad the pain is, from 0 (none) to 10 (worst imaginable). Scores before and after a treatment "
        "show how much it helped. Function scores such as the Oswestry index show how pain limits "
        "daily life.",
    ),
    Term(
        "fhir",
        "FHIR file",
        "The standard format for health records that patient portals and clinics export (JSON or NDJSON "
        "files). Medicare's Blue Button gives claims in the same format.",
    ),
    Term(
        "treatment-log",
        "Treatment log",
        "Your own diary of pain, medicines, visits and therapy. It counts as self-reported evidence and "
        "helps you and your clinician fill gaps in the records.",
    ),
    Term(
        "medicare-advantage",
        "Medicare Advantage",
        "A private plan that replaces Original Medicare. It follows Medicare's coverage rules but can add "
        "its own prior-authorization steps.",
    ),
)

GLOSSARY: dict[str, Term] = {t.key: t for t in _TERMS}
