package rietest

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// BootstrapPID returns the process id of the bootstrap the emulator is
// running (its only child), or 0 when none runs: before the first
// invocation, or after the bootstrap exited. Linux only: it reads
// /proc/<emulator>/task/*/children.
func (f *Function) BootstrapPID() int {
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", f.emulatorPID()))
	for _, t := range tasks {
		b, err := os.ReadFile(t)
		if err != nil {
			continue
		}
		for _, field := range strings.Fields(string(b)) {
			if pid, err := strconv.Atoi(field); err == nil {
				return pid
			}
		}
	}
	return 0
}

// RSS returns the resident set size of process pid in bytes, from VmRSS in
// /proc/<pid>/status. Linux only.
func RSS(pid int) (int64, error) { return procStatus(pid, "VmRSS") }

// PeakRSS returns the largest resident set size process pid has had, in
// bytes, from VmHWM in /proc/<pid>/status. Linux only.
func PeakRSS(pid int) (int64, error) { return procStatus(pid, "VmHWM") }

// procStatus reads a size field ("VmRSS") of /proc/<pid>/status in bytes.
func procStatus(pid int, field string) (int64, error) {
	fh, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("%s of %d: %v", field, pid, err)
			}
			return kb << 10, nil
		}
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("no %s for process %d", field, pid)
}
