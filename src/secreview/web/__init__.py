"""The review workspace in the browser: server-rendered pages (Jinja2) and a JSON API over the
register, on FastAPI/Starlette. Forms work without JavaScript; a small bundled script adds
autosave and the live decision."""
