"""localstripe on 127.0.0.1:<port>, store in memory (its CLI binds every interface and pickles to /tmp).

Started by the e2e `localstripe` fixture: python tests/e2e/localstripe_server.py PORT
"""

import logging
import sys

from aiohttp import web
from localstripe import resources


def main() -> None:
    port = int(sys.argv[1])
    resources.Store.dump_to_disk = lambda self: None
    from localstripe.server import app

    logging.basicConfig(level=logging.WARNING)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


if __name__ == "__main__":
    main()
