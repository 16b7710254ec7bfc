"""Run localstripe on 127.0.0.1:<port> with its store kept in memory (its default pickles to /tmp).

Started as a subprocess by the payments and e2e fixtures and by bench/run.py: python tests/localstripe_server.py PORT
"""

import logging
import sys

from aiohttp import web
from localstripe import resources


def main() -> None:
    port = int(sys.argv[1])
    # The stock store writes /tmp/localstripe.pickle on every change; tests need no persistence.
    resources.Store.dump_to_disk = lambda self: None
    from localstripe.server import app

    logging.basicConfig(level=logging.WARNING)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


if __name__ == "__main__":
    main()
