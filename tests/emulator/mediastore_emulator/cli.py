"""Command line: build the service, serve it (server.py), stop cleanly on SIGTERM/SIGINT."""

import argparse
import signal
import sys
import threading

from mediastore_emulator.auth import Authenticator
from mediastore_emulator.faults import LATENCY_RULE, is_latency_ms
from mediastore_emulator.hooks import HookAccess
from mediastore_emulator.model import MediaStore
from mediastore_emulator.protocol import EmulatorApp
from mediastore_emulator.server import make_server
from mediastore_emulator.store import open_store


def latency_ms(text):
    """The value of --latency-ms, by the faults hook's rule; whole numbers stay integers in the hook's answers."""
    try:
        value = float(text)
    except ValueError:
        value = None
    if not is_latency_ms(value):
        raise argparse.ArgumentTypeError(LATENCY_RULE)
    return int(value) if value.is_integer() else value


def build_parser():
    parser = argparse.ArgumentParser(
        prog="mediastore-emulator",
        description="Local endpoint speaking the AWS Elemental MediaStore control and data plane APIs.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=4599, help="port to listen on; 0 picks a free one (default 4599)")
    parser.add_argument("--state-dir", help="keep containers, policies, tags and objects here across restarts")
    parser.add_argument("--create-delay", type=float, default=1.0, help="seconds a new container stays CREATING")
    parser.add_argument("--delete-delay", type=float, default=1.0, help="seconds a deleted container stays DELETING")
    parser.add_argument("--access-key", default="AKIDLOCALMEDIASTORE", help="the one accepted access key")
    parser.add_argument("--secret-key", default="local-mediastore-secret", help="its secret key")
    parser.add_argument("--account-id", default="111122223333", help="account id used in ARNs")
    parser.add_argument("--region", default="us-east-1", help="region used in ARNs")
    parser.add_argument("--public-url", help="base URL put in container endpoints (default: the listening URL)")
    parser.add_argument(
        "--allowed-host",
        action="append",
        default=[],
        metavar="NAME[:PORT]",
        help="another Host the test hooks answer to (repeatable; default: the listening address and localhost)",
    )
    parser.add_argument(
        "--latency-ms",
        type=latency_ms,
        default=0,
        metavar="N",
        help="milliseconds every MediaStore request waits before its answer is sent, to model a distant service "
        "(default 0; the faults hook can set it per operation)",
    )
    parser.add_argument("--no-hooks", action="store_true", help="turn the /_emulator/ test hooks off")
    return parser


def build_app(args):
    """The WSGI app and its service for parsed arguments (also used by in-process tests)."""
    service = MediaStore(
        open_store(args.state_dir),
        account_id=args.account_id,
        region=args.region,
        create_delay=args.create_delay,
        delete_delay=args.delete_delay,
    )
    hook_access = None if args.no_hooks else HookAccess(args.host, args.allowed_host, args.public_url)
    authenticator = Authenticator(args.access_key, args.secret_key)
    app = EmulatorApp(service, authenticator, args.create_delay, args.delete_delay, hook_access, args.latency_ms)
    return app, service


def main(argv=None):
    args = build_parser().parse_args(argv)
    for name in ("create_delay", "delete_delay"):
        if getattr(args, name) < 0:
            build_parser().error(f"--{name.replace('_', '-')} must be >= 0")
    app, service = build_app(args)
    server = make_server(args.host, args.port, app)
    port = server.bind_addr[1]
    host = f"[{args.host}]" if ":" in args.host else args.host
    base_url = f"http://{host}:{port}"
    service.endpoint_base = args.public_url or base_url

    def stop(signum, frame):
        threading.Thread(target=server.stop, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"mediastore-emulator listening on {base_url}", flush=True)
    try:
        server.serve()
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
