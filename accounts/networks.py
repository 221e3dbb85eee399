"""Where an account was made, kept only as a keyed digest of its address: enough to see that two
accounts came from one address (honour flags their points to each other), not to say which address.

IPv4 counts by the whole address, IPv6 by its /64 (what one home or phone usually gets). Many fans
share one address behind a mobile carrier's NAT, so this only flags, it never refuses or discounts.
"""

import ipaddress

from allauth.account.adapter import get_adapter
from django.core.exceptions import PermissionDenied
from django.utils.crypto import salted_hmac

DIGEST_LENGTH = 24


def network_digest(address: str | None) -> str:
    """The digest of ``address``'s network, or "" when it cannot be read."""
    try:
        parsed = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return ""
    if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped is not None:
        parsed = parsed.ipv4_mapped
    if isinstance(parsed, ipaddress.IPv6Address):
        network = str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    else:
        network = str(parsed)
    return salted_hmac("canyu.accounts.networks", network).hexdigest()[:DIGEST_LENGTH]


def signup_digest(request) -> str:
    """The digest of the address signing up (allauth's client address: TRUSTED_PROXY_COUNT)."""
    if request is None:
        return ""
    try:
        address = get_adapter(request).get_client_ip(request)
    except PermissionDenied:  # allauth found no address (a broken proxy header): nothing to flag
        return ""
    return network_digest(address)
