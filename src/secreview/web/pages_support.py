"""The Jinja environment of the workspace's pages and what every page template can use."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from secreview.i18n import Lang, fact_name, format_fact, label, plural
from secreview.store.answers import get_answer

if TYPE_CHECKING:
    from jinja2 import Environment

    from secreview.web.context import Ctx

TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC = Path(__file__).resolve().parent / "static"


def environment() -> Environment:
    """Autoescaping everywhere and undefined names are errors: untrusted text (system names,
    answers, comments) can only ever appear as text."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    env = Environment(loader=FileSystemLoader(TEMPLATES), undefined=StrictUndefined,
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      trim_blocks=True, lstrip_blocks=True, auto_reload=False)
    env.filters["fact"] = lambda value, path, lang, words=None: format_fact(path, value, lang,
                                                                            words)
    env.filters["fact_name"] = fact_name
    env.globals["data_value"] = get_answer
    return env


def translator(lang: Lang) -> Any:
    def t(key: str, **values: object) -> str:
        return label(key, lang, **values)
    return t


def plural_translator(lang: Lang) -> Any:
    """``plural(key, n)`` in a template: the counted label ``KEY.one`` / ``KEY.other``."""
    def counted(key: str, n: int, **values: object) -> str:
        return plural(key, n, lang, **values)
    return counted


def page_globals(ctx: Ctx) -> dict[str, Any]:
    from secreview.web import roles

    user = ctx.user
    return {
        "t": translator(ctx.lang),
        "plural": plural_translator(ctx.lang),
        "lang": ctx.lang,
        "user": user,
        "csrf": ctx.csrf,
        "role_label": (label(f"web.role.{user.role}", ctx.lang) if user else ""),
        "can_create": bool(user and roles.can_create(user)),
        "can_manage_users": bool(user and roles.can_manage_users(user)),
        "path": ctx.request.url.path,
    }


def level_stylesheet(levels: list[tuple[str, str]]) -> str:
    """CSS classes for the profile's risk levels in its own colours (a stylesheet, because the
    pages' CSP allows no inline styles). Only ``#rrggbb`` colours and plain ids are used."""
    import re

    colour = re.compile(r"#[0-9a-fA-F]{6}")
    ident = re.compile(r"[A-Za-z0-9_-]+")
    rules = [".level-none { background: #f3f4f6; color: #374151; }"]
    for level_id, value in levels:
        if ident.fullmatch(level_id) and colour.fullmatch(value):
            red, green, blue = (int(value[i:i + 2], 16) for i in (1, 3, 5))
            text = "#1f2937" if (red * 299 + green * 587 + blue * 114) / 1000 > 150 else "#ffffff"
            rules.append(f".level-{level_id} {{ background: {value}; color: {text}; "
                         f"border-color: {value}; }}")
    return "\n".join(rules) + "\n"
