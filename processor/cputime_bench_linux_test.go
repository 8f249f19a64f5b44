package processor

import "golang.org/x/sys/unix"

// threadCPU returns the CPU time the calling thread has used, in
// nanoseconds; callers lock their goroutine to its thread. On a machine
// shared with other work it measures what a benchmark's code costs, where
// wall time also counts the time the thread waited for a CPU. It leaves
// out the garbage collector's work on other threads.
func threadCPU() int64 {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts); err != nil {
		return 0
	}
	return ts.Nano()
}
