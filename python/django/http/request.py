"""django.http.request's host matching, which Channels' origin validation uses."""


def is_same_domain(host, pattern):
    """Whether `host` is `pattern`, or (for a pattern that starts with a period) the domain after it or one of its
    subdomains. Both are lowercase hostnames; an empty pattern matches nothing."""
    if not pattern:
        return False
    pattern = pattern.lower()
    if pattern.startswith("."):
        return host == pattern[1:] or host.endswith(pattern)
    return host == pattern
