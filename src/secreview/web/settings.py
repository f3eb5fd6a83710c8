"""The workspace's settings, passed from ``secreview serve`` to each server process through the
environment (uvicorn starts workers from an import string, not from objects)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

SETTINGS_VARIABLES = {
    "database_url": "SECREVIEW_DB",
    "profile": "SECREVIEW_PROFILE",
    "proxy_user_header": "SECREVIEW_PROXY_USER_HEADER",
    "trusted_proxies": "SECREVIEW_TRUSTED_PROXIES",
    "secure_cookies": "SECREVIEW_SECURE_COOKIES",
}

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
"""Largest request body accepted (a description is far smaller; the engine's own input limit
is the same 2 MiB)."""


@dataclass(frozen=True)
class Settings:
    database_url: str
    profile: str | None = None
    proxy_user_header: str | None = None
    trusted_proxies: tuple[str, ...] = ()
    secure_cookies: bool = False
    """Mark cookies Secure: set when the workspace is served over HTTPS (behind a proxy)."""

    def to_environment(self) -> dict[str, str]:
        env = {"SECREVIEW_DB": self.database_url}
        if self.profile:
            env["SECREVIEW_PROFILE"] = self.profile
        if self.proxy_user_header:
            env["SECREVIEW_PROXY_USER_HEADER"] = self.proxy_user_header
            env["SECREVIEW_TRUSTED_PROXIES"] = ",".join(self.trusted_proxies)
        if self.secure_cookies:
            env["SECREVIEW_SECURE_COOKIES"] = "1"
        return env

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> Settings:
        from secreview.store.db import database_url

        env = os.environ if environ is None else environ
        proxies = tuple(p.strip() for p in env.get("SECREVIEW_TRUSTED_PROXIES", "").split(",")
                        if p.strip())
        return cls(database_url=database_url(env.get("SECREVIEW_DB")),
                   profile=env.get("SECREVIEW_PROFILE") or None,
                   proxy_user_header=env.get("SECREVIEW_PROXY_USER_HEADER") or None,
                   trusted_proxies=proxies,
                   secure_cookies=env.get("SECREVIEW_SECURE_COOKIES", "") in ("1", "true"))
