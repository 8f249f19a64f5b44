package catalog

import (
	"strconv"
	"strings"
	"testing"
)

func builtinIndex(t testing.TB) *Index {
	t.Helper()
	c, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	return NewIndex(c)
}

func TestBuiltinCounts(t *testing.T) {
	ix := builtinIndex(t)
	want := map[string]int{"speakap": 40, "zingle": 201, "cometchat": 116, "netease_im": 50, "fonedynamics": 53}
	for _, vc := range ix.Catalog().Vendors {
		if got := len(vc.Entries); got != want[vc.Vendor.ID] {
			t.Errorf("%s: %d entries, want %d", vc.Vendor.ID, got, want[vc.Vendor.ID])
		}
	}
	if ix.Len() != 460 {
		t.Errorf("Len = %d, want 460", ix.Len())
	}
	// No code repeats across the five vendors: every code is inferable.
	for _, e := range ix.Catalog().Entries() {
		code, _ := StringCode(e.Code)
		if got, n := ix.Infer(code); n != 1 || got != e {
			t.Errorf("%s %s: Infer n = %d", e.Vendor.ID, e.Code, n)
		}
	}
}

// TestBuiltinClassification spot-checks entries whose classification needs
// care, as read from the vendors' documents.
func TestBuiltinClassification(t *testing.T) {
	ix := builtinIndex(t)
	tests := []struct {
		vendor, code string
		category     Category
		class        Class
		severity     string // "" = not checked
		retryable    string // "" = not checked
	}{
		{"netease_im", "200", CategorySuccess, ClassOK, "info", "false"},
		{"netease_im", "808", CategorySuccess, ClassOK, "info", "false"},
		{"netease_im", "810", CategorySuccess, ClassOK, "info", "false"},
		{"cometchat", "ERR_TOO_MANY_REQUESTS", CategoryRateLimit, ClassResourceExhausted, "", "true"},
		{"cometchat", "ERR_PLAN_QUOTA_RESTRICTION", CategoryQuota, ClassResourceExhausted, "", "false"},
		{"zingle", "2905", CategoryServer, ClassInternal, "", ""},
	}
	for _, tt := range tests {
		e, ok := ix.Lookup(mustVendor(t, ix, tt.vendor), mustCode(t, tt.code))
		if !ok {
			t.Errorf("%s %s missing", tt.vendor, tt.code)
			continue
		}
		retryable := strconv.FormatBool(e.Retryable)
		if e.Category != tt.category || e.Class != tt.class ||
			(tt.severity != "" && e.Severity.String() != tt.severity) || (tt.retryable != "" && retryable != tt.retryable) {
			t.Errorf("%s %s = %s/%s/%s retryable=%s, want %s/%s/%s retryable=%s",
				tt.vendor, tt.code, e.Category, e.Class, e.Severity, retryable, tt.category, tt.class, tt.severity, tt.retryable)
		}
	}
	// Only NetEase 200, 808 and 810 are successes.
	for _, e := range ix.Catalog().Entries() {
		isOK := e.Vendor.ID == "netease_im" && (e.Code == "200" || e.Code == "808" || e.Code == "810")
		if (e.Category == CategorySuccess) != isOK {
			t.Errorf("%s %s: category %s", e.Vendor.ID, e.Code, e.Category)
		}
	}
}

func TestBuiltinHTTPStatus(t *testing.T) {
	ix := builtinIndex(t)
	speakap := mustVendor(t, ix, "speakap")
	// Speakap documents N/A or 4xx for these: not statuses.
	for _, code := range []string{"-32", "-34", "-45", "-1000", "-1001", "-1002", "-1003", "-1004"} {
		e, ok := ix.Lookup(speakap, mustCode(t, code))
		if !ok || e.HTTPStatus != 0 {
			t.Errorf("speakap %s: found=%v http_status=%v, want no status", code, ok, e)
		}
	}
	if e, _ := ix.Lookup(speakap, IntCode(-3)); e == nil || e.HTTPStatus != 403 {
		t.Errorf("speakap -3: %v, want http_status 403", e)
	}
	// Only Speakap's document gives statuses.
	for _, e := range ix.Catalog().Entries() {
		if e.Vendor.ID != "speakap" && e.HTTPStatus != 0 {
			t.Errorf("%s %s: http_status %d, but the document gives none", e.Vendor.ID, e.Code, e.HTTPStatus)
		}
	}
}

func TestBuiltinMetadata(t *testing.T) {
	ix := builtinIndex(t)
	for _, v := range ix.Vendors() {
		if v.Name == "" || v.Source == "" || v.Version == "" || len(v.Hosts) == 0 || !strings.HasPrefix(v.File, "builtin/") {
			t.Errorf("vendor %s metadata incomplete: %+v", v.ID, *v)
		}
	}
	for _, alias := range []string{"yunxin", "commsease"} {
		if v, ok := ix.VendorByName(alias); !ok || v.ID != "netease_im" {
			t.Errorf("alias %s does not name netease_im", alias)
		}
	}
	for _, e := range ix.Catalog().Entries() {
		if e.Name == "" || e.Description == "" || e.File == "" || e.Line == 0 {
			t.Errorf("%s %s incomplete: %+v", e.Vendor.ID, e.Code, *e)
		}
	}
}
