"""`record show --format json` stays byte for byte the same for every public FHIR input we have.

The import is tuned for speed (issue 16); nothing it prints may change. The outputs are not kept
in the repo (they are patient records, even if synthetic): each is compared by the SHA-256 of the
exact JSON `record show` prints, with the data folder's path written as ``DATA``. Inputs covered:
every Synthea patient of the bulk export (the four files read together, as `record show --record
... --patient ID` does), and every other FHIR file of the shared data, the shared examples and the
engine fixtures, person by person; a refused input is compared by its message.

After a change meant to alter the output, print the new table with
``python -m tests.test_record_show_digests`` and explain the change in the commit.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from backcover.errors import BadInput
from backcover.record.load import read_source
from backcover.record.merge import merge
from backcover.services import read_files
from tests.conftest import DATA, EXAMPLES, SYNTHEA_FILES

ENGINE_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "engine"


def _shown(data: object) -> bytes:
    """What `record show --format json` prints, with the data folders' paths made portable."""
    text = orjson.dumps(data, option=orjson.OPT_INDENT_2).decode() + "\n"
    for folder, name in ((DATA, "DATA"), (EXAMPLES, "EXAMPLES"), (ENGINE_FIXTURES, "FIXTURES")):
        text = text.replace(str(folder), name)
    return text.encode()


def _refused(exc: BadInput) -> bytes:
    return _shown({"error": exc.message()})


def _other_inputs() -> list[Path]:
    names = [
        *(f for f in sorted(DATA.iterdir()) if f.suffix in (".json", ".ndjson") and f not in SYNTHEA_FILES),
        *sorted(EXAMPLES.glob("*.json")),
        *sorted(ENGINE_FIXTURES.glob("*.json")),
    ]
    return names


def outputs() -> Iterator[tuple[str, bytes]]:
    """(name, printed JSON) for every input and person."""
    patients = [
        orjson.loads(line)["id"]
        for line in (DATA / "synthea-bulk10-Patient.ndjson").read_bytes().splitlines()
        if line.strip()
    ]
    for pid in patients:
        yield f"synthea/{pid}", _shown(read_files(SYNTHEA_FILES, pid).to_json())
    for f in _other_inputs():
        name = f"{f.parent.name}/{f.name}"
        try:
            source = read_source(f)
        except BadInput as exc:
            yield name, _refused(exc)
            continue
        people = sorted(p.split("/", 1)[1] for p in source.patients) or [None]
        for pid in people:
            try:
                shown = _shown(merge([source], pid).to_json())
            except BadInput as exc:
                shown = _refused(exc)
            yield f"{name}#{pid}", shown


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:24]


DIGESTS: dict[str, str] = {
    "synthea/129c6ac7-8d06-89de-ad63-0204a93e76c3": "853880d5c2b6060a3bc365c0",
    "synthea/3af3708d-41f1-cd80-f3dd-ec5ac76072bf": "2795b17286e3e93a1cd5f42c",
    "synthea/63ee2253-bdd5-da55-2ad2-b4984d0ad700": "5a597b05cd0445fcb07cc310",
    "synthea/6a4160eb-a793-2f86-2302-378626f46cce": "844621634b927ef5d769120a",
    "synthea/79a66c97-6131-3213-f3c9-4606946ab056": "d04c72c37213200574b22675",
    "synthea/7bc002fa-dc52-17d6-1563-fd8901826f7d": "51a648821e0976043aa7c3e9",
    "synthea/8e1a0a7c-e308-444b-075a-3c2b1f60f881": "fb2a89a3ef529639645caa86",
    "synthea/a4a401d1-a46a-eb4a-8a38-760d5d79d6ec": "75647b6a9f38c34998a3c00a",
    "synthea/a5cb8ce9-cec6-6b23-0990-cbaf753578a4": "f148982c20a0a3b65ca14877",
    "synthea/bb6a9034-2f23-2508-d29d-35efee156dc9": "dfb4c7a395d3bf929f2c075c",
    "synthea/ca15b832-01e4-41dd-6a52-97bd3e5510cb": "c5c3e44aea5ebb40a78b8588",
    "synthea/cbc86e51-9eca-3855-76ec-c058f72c5761": "c3ba79027cf1ca2e1986500a",
    "synthea/fb7c882a-f897-e7c5-67e0-825e7fd55d15": "105f826f2aef6f07cee6fede",
    "data/bb2-eob_read_out_pt_v2.json#None": "307f2aa1cf49bd4f51603feb",
    "data/crd-testkit-appointment_book_hook_request.json": "a0f243d0145a1467d983246d",
    "data/crd-testkit-coverage_info_system_action_conditional.json": "e27f76c97a61482232daf829",
    "data/crd-testkit-crd_authorization_hook_response.json": "22c19b95f93988912ce9b4b4",
    "data/crd-testkit-crd_coverage_example.json#None": "e03e609aad3e83f2f2af78c5",
    "data/crd-testkit-crd_service_request_example.json#None": "50e3ecdb9dd2f02bef2a34cf",
    "data/crd-testkit-order_sign_hook_request.json": "8755d755d6f6bc0bd32929d5",
    "data/crd-testkit-valid_cards.json": "5c9e9d315a31bfaf97ed947a",
    "data/dtr-testkit-next_question_initial_input_params_conformant.json#None": "870c4bc939b8e3d958e24ba9",
    "data/dtr-testkit-questionnaire_package_input_params_conformant.json#None": "1620edac7187216d02e28aea",
    "data/hpt-v3-json-example.json": "4b2b824e966b2d1f0119b19b",
    "data/hpt-v3-schema.json": "7ee93afd2218a3f0de37edc0",
    "data/pas-testkit-conformant_pas_bundle_v110.json#SubscriberExample": "ee5a954aa004c9414a3efd37",
    "data/pas-testkit-valid_pa_response_bundle.json#SubscriberExample": "fa7d5583a643197e118d879b",
    "data/pas-testkit-valid_pa_response_bundle_denial.json#SubscriberExample": "f6d9590cd504ea30afd1e7a4",
    "data/priorauth-ri-DeniedResponse.json#pat013": "6904195d25a1fca4c23a00ad",
    "data/priorauth-ri-bundle-prior-auth.json#pat013": "18ce5a40b1923855f2c531b4",
    "data/priorauth-ri-claimresponse-pended.json#None": "979693b3c9c35e8a3e1584b6",
    "data/tic-in-network-rates-fee-for-service-single-plan-sample.json": "239b2b20d4d40fddbf5a9087",
    "data/tic-in-network-rates-schema.json": "e35d3fc1fa3b7e3a52692591",
    "data/tic-table-of-contents-sample.json": "34772b09557340f7abcbfb5c",
    "examples/check-mri-commercial-early.json#example-mri": "e09fe5a9944e2b7dfa9f7675",
    "examples/check-rfa-opd.json#example-rfa": "54705a823625ced3f0698abd",
    "examples/check-tfesi-medicare.json#example-tfesi": "846b3c78e7467392ca7db0d8",
    "engine/acupuncture-12-visits.json#acu": "e2530cae86f777ae5312af3e",
    "engine/esi-axial-only.json#axial": "dc8694f8e34f529adb1d7803",
    "engine/esi-axial-plus-radiculopathy.json#radic": "8a70ecf661ba279dbc002b9a",
    "engine/esi-five-in-a-year.json#many": "b8238b2d11b04bb4483f0819",
    "engine/esi-repeat-relief-wore-off.json#wore": "70a9fb9009dd84a72b2d2388",
    "engine/esi-repeat-sustained-relief.json#repeat": "41117643c322a042a4c4c624",
    "engine/fusion-current-smoker.json#smoker": "9c42f38cdb0475f8615abac9",
    "engine/fusion-never-smoker.json#fusion": "aa77c4ec48d20db7951932e3",
    "engine/mri-cauda-equina.json#ces": "78523ecb42b0e718fdfab53f",
    "engine/rfa-one-block.json#oneblock": "bfe003ec8da35e4e2c9f6947",
    "engine/scs-after-trial.json#scs": "f055e8565afd087b4aac1dc8",
}


@pytest.mark.parametrize("name", sorted(DIGESTS))
def test_record_show_is_unchanged(name: str, all_outputs: dict[str, str]) -> None:
    assert all_outputs.get(name) == DIGESTS[name], f"record show of {name} changed"


def test_every_input_is_covered(all_outputs: dict[str, str]) -> None:
    assert sorted(all_outputs) == sorted(DIGESTS), "a new input: print the table again (see the module doc)"


@pytest.fixture(scope="module")
def all_outputs() -> dict[str, str]:
    return {name: _digest(data) for name, data in outputs()}


if __name__ == "__main__":
    print("DIGESTS: dict[str, str] = {")
    for key, data in outputs():
        print(f'    "{key}": "{_digest(data)}",')
    print("}")
