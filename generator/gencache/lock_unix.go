//go:build unix

package gencache

import (
	"os"
	"syscall"
)

// tryLock takes an exclusive flock on f without waiting; it reports
// whether it got it.
func tryLock(f *os.File) bool {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err != syscall.EINTR {
			return err == nil
		}
	}
}

func unlock(f *os.File) { syscall.Flock(int(f.Fd()), syscall.LOCK_UN) }
