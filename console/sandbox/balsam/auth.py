"""Users, password login and HS256 JWTs for the Balsam stand-in (protocol §3).

Tokens carry ``sub`` (the user id), ``username`` and ``exp`` like the real
server's, plus ``iat`` so tests can expire every token issued so far.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from typing import Any


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Auth:
    """Registered users and the tokens issued to them."""

    def __init__(self, ttl: float = 48 * 3600) -> None:
        self.ttl = ttl
        """Seconds a token stays valid."""
        self._key = secrets.token_bytes(32)
        self._users: dict[str, tuple[int, bytes, bytes]] = {}
        self.not_before = 0.0
        """Tokens issued before this moment are refused (``expire_all``)."""
        self.logins = 0

    def register(self, username: str, password: str) -> dict[str, Any] | None:
        """Add a user; ``None`` when the name is taken."""
        if username in self._users:
            return None
        salt = secrets.token_bytes(16)
        user_id = len(self._users) + 1
        self._users[username] = (user_id, salt, self._hash(password, salt))
        return {"id": user_id, "username": username}

    @staticmethod
    def _hash(password: str, salt: bytes) -> bytes:
        return hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 1000)

    def login(self, username: str, password: str) -> dict[str, Any] | None:
        """Return the token reply for good credentials, else ``None``."""
        user = self._users.get(username)
        if user is None or not hmac.compare_digest(user[2], self._hash(password, user[1])):
            return None
        self.logins += 1
        now = time.time()
        claims = {"sub": user[0], "username": username, "exp": int(now + self.ttl), "iat": now}
        expiry = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now + self.ttl))
        return {"access_token": self._sign(claims), "token_type": "bearer", "expiration": expiry}

    def _sign(self, claims: dict[str, Any]) -> str:
        header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
        body = _b64(json.dumps(claims).encode())
        mac = hmac.new(self._key, f"{header}.{body}".encode(), hashlib.sha256).digest()
        return f"{header}.{body}.{_b64(mac)}"

    def verify(self, token: str) -> dict[str, Any] | None:
        """Return the claims of a valid, unexpired token, else ``None``."""
        try:
            header, body, mac = token.split(".")
            expected = hmac.new(self._key, f"{header}.{body}".encode(), hashlib.sha256).digest()
            if not hmac.compare_digest(expected, _unb64(mac)):
                return None
            claims = json.loads(_unb64(body))
        except (ValueError, TypeError):
            return None
        if claims.get("exp", 0) < time.time() or claims.get("iat", 0) < self.not_before:
            return None
        return claims

    def expire_all(self) -> None:
        """Make every token issued so far invalid, as if they had all expired."""
        self.not_before = time.time() + 1e-6
