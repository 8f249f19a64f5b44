package processor

import (
	"fmt"
	"testing"

	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/errorcatalog/errorcatalogprocessor/catalog"
	"github.com/errorcatalog/errorcatalogprocessor/config"
)

// BenchmarkReadCode compares reading the code attributes with one Get per
// key against one pass over the attributes, for records with and without a
// code, with the default key list (error.code plus one per built-in vendor)
// and longer lists. It sets scanMinKeys. The enrichment as a whole is
// measured in bench_test.go.
func BenchmarkReadCode(b *testing.B) {
	cat, err := catalog.Builtin()
	if err != nil {
		b.Fatal(err)
	}
	for _, nkeys := range []int{1, 3, 6, 12, 24} {
		for _, nattrs := range []int{4, 12, 30} {
			for _, withCode := range []bool{false, true} {
				cfg := config.Default()
				for i := range nkeys {
					cfg.CodeAttributes = append(cfg.CodeAttributes, config.CodeAttribute{Key: fmt.Sprintf("vendor%02d.error.code", i)})
				}
				st, err := newState(cfg, cat)
				if err != nil {
					b.Fatal(err)
				}
				attrs := pcommon.NewMap()
				for i := range nattrs {
					attrs.PutStr(fmt.Sprintf("http.attribute.%02d", i), "value")
				}
				if withCode {
					attrs.PutInt(st.codeKeys[nkeys-1].key, 2601)
				}
				scan := buildScanIndexAlways(st.codeKeys)
				name := fmt.Sprintf("keys=%d/attrs=%d/code=%t", nkeys, nattrs, withCode)
				b.Run(name+"/get", func(b *testing.B) {
					st.scanByLen = nil
					for b.Loop() {
						st.readCode(attrs)
					}
				})
				b.Run(name+"/scan", func(b *testing.B) {
					st.scanByLen = scan
					for b.Loop() {
						st.readCode(attrs)
					}
				})
			}
		}
	}
}

func buildScanIndexAlways(keys []codeKey) [][]uint8 {
	maxLen := 0
	for _, k := range keys {
		maxLen = max(maxLen, len(k.key))
	}
	byLen := make([][]uint8, maxLen+1)
	for i, k := range keys {
		byLen[len(k.key)] = append(byLen[len(k.key)], uint8(i))
	}
	return byLen
}
