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
from backcover.ehr._pas import Diagnosis, PasCoverage, PasPatient, PasProcedure, PasProvider, build_pas_bundle
from backcover.ehr._pas_response import PaStatus, ingest_claim_response
from backcover.ehr._x12 import write_278

__all__ = [
    "CI_URL",
    "PREFETCH",
    "SERVICES",
    "CdsSettings",
    "Diagnosis",
    "HookError",
    "Issuer",
    "JwtVerifier",
    "PaStatus",
    "PasCoverage",
    "PasPatient",
    "PasProcedure",
    "PasProvider",
    "Service",
    "Trust",
    "Unauthorized",
    "answers_to_items",
    "build_pas_bundle",
    "build_questionnaire",
    "cds_router",
    "discovery",
    "ingest_claim_response",
    "load_trust",
    "payer_for_coverage",
    "sentence",
    "write_278",
]
