//go:build !linux

package processor

// threadCPU is not measured on this platform: the cpu metrics report 0.
func threadCPU() int64 { return 0 }
