"""The address an account was made from, kept as a keyed digest: equal for one address (one IPv6 /64),
different for another, and never the address itself."""

import pytest
from django.test import Client

from accounts.models import User
from accounts.networks import network_digest
from accounts.tests.test_signup import signup

pytestmark = pytest.mark.django_db


def test_signing_up_records_the_digest_of_the_address_not_the_address():
    signup(Client(REMOTE_ADDR="203.0.113.7"), username="first", email="first@example.com")
    signup(Client(REMOTE_ADDR="203.0.113.7"), username="second", email="second@example.com")
    signup(Client(REMOTE_ADDR="198.51.100.9"), username="third", email="third@example.com")
    first, second, third = (User.objects.get(username=name).signup_network for name in ("first", "second", "third"))
    assert first and first == second and first != third
    assert "203" not in first and first == network_digest("203.0.113.7")


def test_an_ipv6_address_counts_by_its_64():
    assert network_digest("2001:db8:1:2::5") == network_digest("2001:db8:1:2:ffff::1")
    assert network_digest("2001:db8:1:2::5") != network_digest("2001:db8:1:3::5")
    assert network_digest("::ffff:203.0.113.7") == network_digest("203.0.113.7")


@pytest.mark.parametrize("address", ["", None, "not an address", "203.0.113.7\x00"])
def test_an_address_that_cannot_be_read_has_no_digest(address):
    assert network_digest(address) == ""
