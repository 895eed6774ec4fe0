#!/usr/bin/python3
"""The bench's reference milter: libmilter through python3-milter, every stage answered, nothing changed.

Usage: passthrough-milter.py PORT   (listens on 127.0.0.1:PORT)
"""
import sys

import Milter


class PassThrough(Milter.Base):
    """Overrides every callback, so libmilter negotiates every stage, as a milter that inspects mail does."""

    def connect(self, hostname, family, hostaddr):
        return Milter.CONTINUE

    def hello(self, heloname):
        return Milter.CONTINUE

    def envfrom(self, mailfrom, *params):
        return Milter.CONTINUE

    def envrcpt(self, to, *params):
        return Milter.CONTINUE

    def data(self):
        return Milter.CONTINUE

    def header(self, name, value):
        return Milter.CONTINUE

    def eoh(self):
        return Milter.CONTINUE

    def body(self, chunk):
        return Milter.CONTINUE

    def eom(self):
        return Milter.CONTINUE


def main():
    Milter.factory = PassThrough
    Milter.set_flags(0)
    # argv[1]: where to listen, in libmilter's notation (inet:PORT@HOST or unix:/path)
    Milter.runmilter("bench-passthrough", sys.argv[1], 240)


if __name__ == "__main__":
    main()
