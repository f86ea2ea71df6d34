"""`manage.py create_api_token EMAIL [--name NAME]`: print a new personal access token for a user.

Only the raw token goes to stdout, so that `TOKEN=$(manage.py create_api_token a@b.kr)` works.
Each run makes another token; old ones stay valid until revoked on the profile page.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sanhak.accounts.models import User
from sanhak.accounts.tokens import api_token_create
from sanhak.common.errors import DomainError


class Command(BaseCommand):
    help = "Create a personal API access token for a user and print it (shown only once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="the user's e-mail address")
        parser.add_argument("--name", default="cli", help="a label for the token (default: cli)")

    def handle(self, *args: Any, **options: Any) -> None:
        email = str(options["email"]).strip()
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"사용자를 찾을 수 없습니다: {email} / No user with e-mail {email}.")
        try:
            _token, raw = api_token_create(user=user, name=str(options["name"]))
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(raw)
