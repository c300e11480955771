"""Helpers that drive the public API the way a client would."""

from __future__ import annotations

from typing import Any

PASSWORD = "correct-horse-9"


def register(api: Any, mailbox: Any, email: str, username: str, password: str = PASSWORD) -> Any:
    """Ask for a code, read it from the e-mail, register; return the 201 body."""
    sent = api.post("/auth/codes", json={"email": email, "purpose": "register"})
    assert sent.status == 202, sent.text
    code = mailbox.code_for(email.lower())
    done = api.post(
        "/auth/register",
        json={"email": email, "code": code, "username": username, "password": password},
    )
    assert done.status == 201, done.text
    return done.json


def login(api: Any, login_name: str, password: str = PASSWORD) -> Any:
    return api.post("/auth/login", json={"login": login_name, "password": password})
