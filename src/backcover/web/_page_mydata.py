"""Your data: download everything this app keeps, or delete it (after a confirmation)."""

from __future__ import annotations

import io
import zipfile

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import Response

from backcover.errors import BadInput
from backcover.web._context import ctx, render
from backcover.web._forms import checked_form, field, see_other

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


@router.get("/my-data/download")
def download(request: Request) -> Response:
    """A zip of the case store's export archive (what ``backcover import`` reads), the treatment log,
    the plans and the imported record files."""
    web = ctx(request)
    ws = web.workspace
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("cases-archive.json", orjson.dumps(web.store().export_archive()))
        if ws.log_path.exists():
            z.write(ws.log_path, "treatment-log.yaml")
        for name in ws.plan_names():
            z.writestr(f"plans/{name}.yaml", ws.plan_text(name))
        for p in ws.uploads():
            z.write(p, f"records/{p.name}")
    return Response(
        buf.getvalue(),
        media_type="application/zip",
        headers={"Content-Disposition": 'attachment; filename="backcover-my-data.zip"'},
    )


@router.post("/my-data/delete")
async def delete(request: Request) -> Response:
    form = await checked_form(request)
    web = ctx(request)
    if field(form, "confirm") != "yes":
        from backcover.web._page_start import start_context

        exc = BadInput(
            "nothing was deleted: the box was not ticked",
            "tick \u201cYes, delete all my data\u201d and press the button again",
            where="Delete my data",
        )
        return render(request, "start.html", start_context(request, exc), 400)
    web.store().delete_everything()
    web.workspace.delete_everything()
    return see_other("/?done=deleted")
