"""Prints "ready PID" then one line per signal received ("sig N").
Each line read on stdin is a signal number to send to PID 1 (from inside a
PID namespace), answered with "sent N"; "exit N" exits with N."""
import os
import signal
import sys

CATCHABLE = [s for s in range(1, 32) if s not in (signal.SIGKILL, signal.SIGSTOP)]


def handler(sig, frame):
    os.write(1, b'sig %d\n' % sig)


for s in CATCHABLE:
    signal.signal(s, handler)
signal.pthread_sigmask(signal.SIG_SETMASK, [])
os.write(1, b'ready %d\n' % os.getpid())
for line in sys.stdin:
    word, _, arg = line.strip().partition(' ')
    if word == 'kill1':
        os.kill(1, int(arg))
        os.write(1, b'sent %d\n' % int(arg))
    elif word == 'exit':
        sys.exit(int(arg))
