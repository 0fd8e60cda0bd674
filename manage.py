#!/usr/bin/env python
"""Django's command-line utility; `gnlc` is the same thing, installed on the PATH."""

from gnlc.cli import main

if __name__ == "__main__":
    main()
