package processor

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/errorcatalog/errorcatalogprocessor/catalog"
	"github.com/errorcatalog/errorcatalogprocessor/config"
)

// TestReadCodeManyKeysMatchesGet checks that reading codes through the key
// map, as the default key list of a catalog with more than scanMaxKeys
// vendors is read, gives what one Get per key gives: on random records with
// non-code values, keys repeated as a map decoded from the wire holds them,
// and records holding more code keys than the pass tracks.
func TestReadCodeManyKeysMatchesGet(t *testing.T) {
	cat, err := catalog.Builtin()
	require.NoError(t, err)
	for k := range 100 {
		cat.Vendors = append(cat.Vendors, syntheticVendor(k, 3))
	}
	st, err := newState(config.Default(), cat)
	require.NoError(t, err)
	require.Greater(t, len(st.codeKeys), scanMaxKeys)
	require.Nil(t, st.scanByLen)
	require.NotNil(t, st.scanByKey, "a long key list is read in one pass")
	get := *st
	get.scanByKey = nil

	// Keys from the front, the middle and the end of the list, and others
	// of the same lengths.
	keys := []string{"http.route", "error.kode", "error.vendor", "synth0050.error.kode"}
	for _, i := range []int{0, 1, 2, 5, 6, 7, 40, 41, 60, 61, 62, 63, 64, 65, 66, 99, 100, 104, 105} {
		keys = append(keys, st.codeKeys[i].key)
	}
	values := []func(pcommon.Value){
		func(v pcommon.Value) { v.SetInt(2601) },
		func(v pcommon.Value) { v.SetInt(10_000_001) },
		func(v pcommon.Value) { v.SetStr("ERR_UID_NOT_FOUND") },
		func(v pcommon.Value) { v.SetStr(" ") },
		func(v pcommon.Value) { v.SetDouble(0.5) },
		func(v pcommon.Value) { v.SetBool(true) },
		func(v pcommon.Value) { v.SetEmptySlice() },
	}
	rng := rand.New(rand.NewPCG(3, 4))
	repeated, overflow := 0, 0
	for i := range 5000 {
		src := pcommon.NewMap()
		var parts []string
		for range rng.IntN(16) {
			k := keys[rng.IntN(len(keys))]
			v := pcommon.NewValueEmpty()
			values[rng.IntN(len(values))](v)
			src.Clear()
			v.CopyTo(src.PutEmpty(k))
			js, err := (&plog.JSONMarshaler{}).MarshalLogs(logsFromMap(src))
			require.NoError(t, err)
			parts = append(parts, attrJSON(t, js))
		}
		js := fmt.Sprintf(`{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"attributes":[%s]}]}]}]}`, strings.Join(parts, ","))
		decoded, err := (&plog.JSONUnmarshaler{}).UnmarshalLogs([]byte(js))
		require.NoError(t, err)
		attrs := decoded.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0).Attributes()

		distinct, codeKeys := map[string]bool{}, map[string]bool{}
		for k := range attrs.All() {
			distinct[k] = true
			if _, ok := st.scanByKey[k]; ok {
				codeKeys[k] = true
			}
		}
		if len(distinct) < attrs.Len() {
			repeated++
		}
		if len(codeKeys) > scanManySeen {
			overflow++
		}

		c1, k1, s1, ok1 := st.readCode(attrs)
		c2, k2, s2, ok2 := get.readCode(attrs)
		require.Equal(t, ok2, ok1, "record %d: %s", i, js)
		require.Equal(t, k2, k1, "record %d: %s", i, js)
		require.Equal(t, s2, s1, "record %d: %s", i, js)
		require.Equal(t, c2, c1, "record %d: %s", i, js)
	}
	require.Positive(t, repeated, "no record held a repeated key")
	require.Positive(t, overflow, "no record held more code keys than the pass tracks")
}
