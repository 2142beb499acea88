# Helpers for tests/abuse-*.t (with smtpd_helper.py): the peak RSS of one berth-smtpd, sampled
# from /proc/PID/status (VmHWM only grows, so the last sample before exit is the peak).
import threading, time

class Peak:
    def __init__(self, pid, every=0.01):
        self.pid, self.every, self.kb = pid, every, 0
        self.stop = threading.Event()
        # one sample now, while the process surely lives: on a loaded machine the thread may
        # first run after a short session has already ended (a peak of 0 then failed the check)
        self.sample()
        self.t = threading.Thread(target=self.run, daemon=True)
        self.t.start()

    def sample(self):
        try:
            with open("/proc/%d/status" % self.pid) as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        self.kb = max(self.kb, int(line.split()[1]))
            return True
        except (OSError, ValueError):
            return False   # gone: the last value read is the peak

    def run(self):
        while not self.stop.is_set() and self.sample():
            time.sleep(self.every)

    def done(self):
        self.stop.set()
        self.t.join()
        return self.kb
