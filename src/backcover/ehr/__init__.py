"""EHR integration: CDS Hooks 2.0 / Da Vinci CRD, DTR questionnaires, PAS prior-auth requests, X12 278.

The core (hook parsing, prefetch -> record, order -> procedure, Determination -> coverage
information and cards, DTR questionnaires and answers, PAS bundles and ClaimResponses, the 278
writer) is pure; :mod:`backcover.ehr._http` is the FastAPI adapter (``cds_router``), and
:mod:`backcover.ehr._jwt` verifies the callers. See docs/ehr.md.
"""

from backcover.ehr._crd import CI_URL, PREFETCH, SERVICES, HookError, Service, discovery, sentence
from backcover.ehr._dtr import answers_to_items, build_questionnaire
from backcover.ehr._fhir import payer_for_coverage
from backcover.ehr._http import CdsSettings, cds_router
from backcover.ehr._jwt import Issuer, JwtVerifier, Trust, Unauthorized, load_trust

__all__ = [
    "CI_URL",
    "PREFETCH",
    "SERVICES",
    "CdsSettings",
    "HookError",
    "Issuer",
    "JwtVerifier",
    "Service",
    "Trust",
    "Unauthorized",
    "answers_to_items",
    "build_questionnaire",
    "cds_router",
    "discovery",
    "load_trust",
    "payer_for_coverage",
    "sentence",
]
