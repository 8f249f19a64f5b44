package catalog

import "strings"

// The helpers below exist so hot lookups stay allocation-free and readable.

func trimSpace(s string) string { return strings.TrimSpace(s) }

func index(s, sub string) int { return strings.Index(s, sub) }

func indexByte(s string, c byte) int { return strings.IndexByte(s, c) }

func lastIndexByte(s string, c byte) int { return strings.LastIndexByte(s, c) }
