from __future__ import annotations

import pytest
from pydantic import ValidationError

from chassis.settings import ServiceSettings


class WithSecret(ServiceSettings):
    api_secret: str = "changeme"

    def secret_fields(self) -> tuple[str, ...]:
        return ("api_secret",)


def test_placeholder_secret_is_fine_in_dev() -> None:
    assert WithSecret(environment="dev").api_secret == "changeme"


@pytest.mark.parametrize("secret", ["changeme", "", "too-short-but-not-a-placeholder"])
def test_placeholder_or_short_secret_is_refused_in_prod(secret: str) -> None:
    with pytest.raises(ValidationError, match="api_secret"):
        WithSecret(environment="prod", api_secret=secret)


def test_real_secret_is_accepted_in_prod() -> None:
    secret = "k" * 16 + "9f8e7d6c5b4a3f2e1d0c"
    assert WithSecret(environment="prod", api_secret=secret).api_secret == secret
