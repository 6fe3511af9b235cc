"""careerkg's offline guarantee, enforced in the process: no network connection and no name lookup except
to an address the user named (``--endpoint``) and ``careerkg serve``'s own listening socket.

Nothing in careerkg is meant to reach the network by itself: remote JSON-LD contexts are refused, SPARQL
SERVICE is refused, FROM never loads, ``owl:imports`` are never followed and RDF/XML entities are refused.
:func:`enforce` makes that a property of the process rather than of each code path: a Python audit hook
(PEP 578) refuses every ``socket.connect``, ``socket.sendto``, ``socket.sendmsg``, host-name look-up and
reverse look-up that was not allowed
with :func:`allow_url` or :func:`allow_host`, by raising :class:`NetworkRefusedError`. Unix-domain
sockets (local inter-process communication) are not the network and pass. The command line enforces it
from its first line; a library user may call :func:`enforce` too. An audit hook cannot be removed, so
:func:`enforce` is for processes that mean to stay offline.

An audit hook sees only what Python's own socket module does. Native code with its own network client
(Oxigraph's, for SERVICE) is out of its sight; that is why every query is checked for SERVICE first, on the
very text the engine then runs (:func:`careerkg.sparql.queries.canonical_query_text`).
"""

from __future__ import annotations

import ipaddress
import socket
import sys
import threading
import urllib.parse
import urllib.request
from typing import Any

from careerkg.errors import AdvisedError, UnreadableInputError

__all__ = ["NetworkRefusedError", "allow_host", "allow_url", "enforce", "enforced", "leave_the_network"]

_lock = threading.Lock()
_installed = False
_hosts: set[str] = set()
_addresses: set[tuple[str, int]] = set()


class NetworkRefusedError(AdvisedError):
    """Something tried to reach the network, which careerkg never does on its own."""

    exit_code = 1
    advice = "; only a SPARQL server the user names and careerkg's own HTTP server use the network"


def enforced() -> bool:
    return _installed


def enforce() -> None:
    """Install the audit hook (once per process)."""
    global _installed
    with _lock:
        if not _installed:
            sys.addaudithook(_hook)
            _installed = True


def allow_host(host: str, port: int | None = None) -> None:
    """Allow looking up ``host`` (and, with ``port``, connecting to its addresses on that port)."""
    with _lock:
        _hosts.add(host.lower())
    if port is not None:
        for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM):
            with _lock:
                _addresses.add((str(info[4][0]), port))


def allow_url(url: str) -> None:
    """Allow the connections an HTTP request to ``url`` makes: to its host, or to the proxy that the
    environment (``http_proxy``, ``https_proxy``, ``no_proxy``) routes it through."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    proxy = urllib.request.getproxies().get(parts.scheme)
    if proxy and not urllib.request.proxy_bypass(host):
        proxy_parts = urllib.parse.urlsplit(proxy if "://" in proxy else f"http://{proxy}")
        host, port = proxy_parts.hostname or "", proxy_parts.port or 80
    try:
        allow_host(host, port)
    except OSError as error:
        reason = error.strerror or error
        raise UnreadableInputError(f"{url}: cannot reach the endpoint: cannot resolve {host}: {reason}") from error


def _refuse(what: str) -> None:
    raise NetworkRefusedError(f"careerkg works offline and refused {what}")


def _is_allowed_address(host: Any, port: Any) -> bool:
    if (str(host), port) in _addresses:
        return True
    try:
        return (str(ipaddress.ip_address(str(host).split("%")[0])), port) in _addresses
    except ValueError:
        return False


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if event in {"socket.connect", "socket.sendto", "socket.sendmsg"}:
        sock, address = args[0], args[1]
        if getattr(sock, "family", None) == getattr(socket, "AF_UNIX", object()):
            return
        if address is None and event == "socket.sendmsg":  # on a socket already connected (and checked then)
            return
        if isinstance(address, tuple) and len(address) >= 2 and _is_allowed_address(address[0], address[1]):
            return
        _refuse(f"a connection to {address!r}")
    elif event in {"socket.gethostbyaddr", "socket.getnameinfo"}:  # reverse look-ups ask a name server
        address = args[0][0] if isinstance(args[0], tuple) else args[0]
        if not _is_literal_address_allowed(str(address)):
            _refuse(f"a reverse look-up of {address!r}")
    elif event == "socket.getaddrinfo" or event == "socket.gethostbyname":
        host = args[0]
        if host is None:
            return
        name = host.decode("ascii", "replace") if isinstance(host, bytes) else str(host)
        if name.lower() in _hosts or _is_literal_address_allowed(name):
            return
        _refuse(f"a look-up of the host name {name!r}")


def _is_literal_address_allowed(name: str) -> bool:
    """A numeric address needs no DNS; it is allowed to be looked up if any port on it is allowed."""
    try:
        address = str(ipaddress.ip_address(name.split("%")[0]))
    except ValueError:
        return False
    return any(host == address for host, _ in _addresses)


def leave_the_network() -> bool:
    """Move this process into a network namespace of its own, with no interface at all (Linux), so that
    not even native code can reach the network: the audit hook sees only Python's sockets, and Oxigraph has
    its own HTTP client (for SERVICE). Call it while the process has a single thread. Returns whether it
    worked: it needs unprivileged user namespaces, or the right to make network namespaces."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    clone_newuser, clone_newnet = 0x10000000, 0x40000000
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return False
    for flags in (clone_newnet, clone_newuser | clone_newnet):
        if libc.unshare(flags) == 0:
            return True
    return False
