"""Print the workspace API's OpenAPI document (``python -m secreview.web.openapi``), the one
checked in as docs/openapi.json. Built without a database: only the routes matter."""

from __future__ import annotations

import json
import sys


def document() -> str:
    from fastapi import FastAPI

    from secreview import __version__
    from secreview.web import api
    from secreview.web.app import API_DESCRIPTION

    app = FastAPI(title="secreview workspace API", version=__version__,
                  description=API_DESCRIPTION, openapi_url="/api/openapi.json")
    app.include_router(api.router)
    api.install_openapi(app)
    return json.dumps(app.openapi(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


if __name__ == "__main__":
    sys.stdout.write(document())
