import pytest

from accounts.api_auth import issue_token


@pytest.fixture
def bearer():
    """Authorization header of a fresh API token for the user."""

    def header(user):
        return {"HTTP_AUTHORIZATION": f"Bearer {issue_token(user, 'test')}"}

    return header
