package draft

import "testing"

func TestInline(t *testing.T) {
	tests := map[string]string{
		"`SYS__TIMEOUT`":         "SYS__TIMEOUT",
		"**ERR_X**":              "ERR_X",
		"ERR\\_NOT\\_FOUND":      "ERR_NOT_FOUND",
		"[BlobNotFound](#blob)":  "BlobNotFound",
		"invalid_request_error":  "invalid_request_error",
		"_note_ and *this*":      "note and this",
		"a <br> b &amp; c":       "a b & c",
		"`a|b` and \\| pipe":     "a|b and | pipe",
		"__init__ is a method":   "init is a method", // emphasis, as Markdown reads it
		"**bold `CODE_X` text**": "bold CODE_X text",
	}
	for in, want := range tests {
		if got := inline(in); got != want {
			t.Errorf("inline(%q) = %q, want %q", in, got, want)
		}
	}
}
