package catalog

import (
	"fmt"
	"strconv"
	"testing"
)

// The benchmarks run every lookup at two catalog sizes: the built-in catalog
// (460 entries) and a generated one of 100,000 entries (1,000 vendors of 100
// codes, half integer, half symbolic). The inputs at both sizes have the same
// shape (length, case, number of host labels), so ns/op compares across
// sizes: it should stay flat, and no lookup should allocate.

var (
	sinkEntry  *Entry
	sinkVendor *Vendor
	sinkN      int
	sinkOK     bool
	sinkCode   Code
)

// benchCase names the vendors and codes a benchmark uses in one catalog.
type benchCase struct {
	size       string
	ix         *Index
	intVendor  *Vendor
	intHit     int64
	strVendor  *Vendor
	strHit     string // mixed case, so lookups fold it
	ambiguous  Code   // a code several vendors have
	unique     Code   // a code one vendor has
	vendorName string // an alias, mixed case
	vendorHost string // a URL
}

func benchCases(b *testing.B) []benchCase {
	b.Helper()
	builtin, err := Builtin()
	if err != nil {
		b.Fatal(err)
	}
	small := NewIndex(builtin)
	zingle, _ := small.VendorByName("zingle")
	cometchat, _ := small.VendorByName("cometchat")

	big := NewIndex(syntheticCatalog(1000, 100))
	intV, _ := big.VendorByName("v0500")
	strV, _ := big.VendorByName("v0501")
	str := func(s string) Code { c, _ := StringCode(s); return c }
	return []benchCase{
		{
			size: "460", ix: small,
			intVendor: zingle, intHit: 2601,
			strVendor: cometchat, strHit: "Err_Too_Many_Requests",
			ambiguous: IntCode(403), unique: str("err_too_many_requests"),
			vendorName: "CommsEase", vendorHost: "https://user@API.cometchat.io:443/v3/users?x=1",
		},
		{
			size: "100000", ix: big,
			intVendor: intV, intHit: syntheticIntCode(500, 42),
			strVendor: strV, strHit: "Err_V0501_Synthetic_42",
			ambiguous: IntCode(403), unique: str("err_v0777_synthetic_7"),
			vendorName: "Vend-0777", vendorHost: "https://user@API.v0777-chat.io:443/v3/users?x=1",
		},
	}
}

// syntheticCatalog builds vendors × codes entries. Even vendors have integer
// codes, odd vendors symbolic ones; every integer vendor also has 403 and
// every symbolic vendor ERR_SHARED, so those codes are ambiguous.
func syntheticCatalog(vendors, codes int) *Catalog {
	c := &Catalog{}
	for k := range vendors {
		id := fmt.Sprintf("v%04d", k)
		v := &Vendor{ID: id, Name: "Vendor " + id, Aliases: []string{fmt.Sprintf("vend-%04d", k)},
			Hosts: []string{"*." + id + "-chat.io", "api." + id + ".example.net"}}
		vc := &VendorCatalog{Vendor: v}
		if k%2 == 1 {
			v.CodeType = CodeTypeString
		}
		for j := range codes {
			e := &Entry{Vendor: v, Name: "Synthetic", Category: CategoryValidation, Class: ClassInvalidArgument}
			switch {
			case v.CodeType == CodeTypeInt && j == 0:
				e.IntCode = 403
				e.Code = "403"
			case v.CodeType == CodeTypeInt:
				e.IntCode = syntheticIntCode(k, j)
				e.Code = strconv.FormatInt(e.IntCode, 10)
			case j == 0:
				e.Code = "ERR_SHARED"
			default:
				e.Code = fmt.Sprintf("ERR_%s_SYNTHETIC_%d", id, j)
			}
			vc.Entries = append(vc.Entries, e)
		}
		c.Vendors = append(c.Vendors, vc)
	}
	return c
}

func syntheticIntCode(vendor, j int) int64 { return int64(1_000_000 + vendor*1000 + j) }

func BenchmarkLookup(b *testing.B) {
	for _, bc := range benchCases(b) {
		intHit, intMiss := IntCode(bc.intHit), IntCode(-987654321)
		strHit, _ := StringCode(bc.strHit)
		strMiss, _ := StringCode("Err_No_Such_Code")
		for _, c := range []struct {
			name string
			v    *Vendor
			code Code
			want bool
		}{
			{"int-hit", bc.intVendor, intHit, true},
			{"int-miss", bc.intVendor, intMiss, false},
			{"string-hit", bc.strVendor, strHit, true},
			{"string-miss", bc.strVendor, strMiss, false},
		} {
			b.Run(c.name+"/size="+bc.size, func(b *testing.B) {
				if _, ok := bc.ix.Lookup(c.v, c.code); ok != c.want {
					b.Fatalf("Lookup found=%v, want %v", ok, c.want)
				}
				b.ReportAllocs()
				for b.Loop() {
					sinkEntry, sinkOK = bc.ix.Lookup(c.v, c.code)
				}
			})
		}
	}
}

func BenchmarkInfer(b *testing.B) {
	cases := benchCases(b)
	// The built-in vendors share no code: the ambiguous case at the small
	// size uses the built-in catalog plus testdata/acme.yaml (463 entries).
	withAcme, err := Load(true, []string{"testdata/acme.yaml"})
	if err != nil {
		b.Fatal(err)
	}
	cases[0].ix = NewIndex(withAcme)
	for _, bc := range cases {
		miss, _ := StringCode("ERR_NO_SUCH_CODE")
		for _, c := range []struct {
			name  string
			code  Code
			wantN func(int) bool
		}{
			{"unique", bc.unique, func(n int) bool { return n == 1 }},
			{"ambiguous", bc.ambiguous, func(n int) bool { return n > 1 }},
			{"miss", miss, func(n int) bool { return n == 0 }},
		} {
			b.Run(c.name+"/size="+bc.size, func(b *testing.B) {
				if _, n := bc.ix.Infer(c.code); !c.wantN(n) {
					b.Fatalf("Infer n = %d", n)
				}
				b.ReportAllocs()
				for b.Loop() {
					sinkEntry, sinkN = bc.ix.Infer(c.code)
				}
			})
		}
	}
}

func BenchmarkVendorByName(b *testing.B) {
	for _, bc := range benchCases(b) {
		b.Run("size="+bc.size, func(b *testing.B) {
			if _, ok := bc.ix.VendorByName(bc.vendorName); !ok {
				b.Fatalf("%s not found", bc.vendorName)
			}
			b.ReportAllocs()
			for b.Loop() {
				sinkVendor, sinkOK = bc.ix.VendorByName(bc.vendorName)
			}
		})
	}
}

func BenchmarkVendorByHost(b *testing.B) {
	for _, bc := range benchCases(b) {
		b.Run("size="+bc.size, func(b *testing.B) {
			if _, ok := bc.ix.VendorByHost(bc.vendorHost); !ok {
				b.Fatalf("%s not found", bc.vendorHost)
			}
			b.ReportAllocs()
			for b.Loop() {
				sinkVendor, sinkOK = bc.ix.VendorByHost(bc.vendorHost)
			}
		})
	}
}

func BenchmarkStringCode(b *testing.B) {
	for _, s := range []string{" 2601 ", "err_too_many_requests", "99999999999999999999"} {
		b.Run(strconv.Quote(s), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sinkCode, sinkOK = StringCode(s)
			}
		})
	}
}
