package draft

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// readDelimited reads a CSV or TSV export: every record is a row of one
// table whose first record is the header. Ragged rows are kept (the
// extractor reads the cells it needs); quoting errors name the line.
func readDelimited(data []byte, sep rune) ([]line, error) {
	r := csv.NewReader(strings.NewReader(string(data)))
	r.Comma = sep
	r.FieldsPerRecord = -1
	r.LazyQuotes = sep == '\t' // TSV exports rarely quote; a stray quote is text
	r.ReuseRecord = false
	var out []line
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", map[rune]string{',': "CSV", ';': "CSV", '\t': "TSV"}[sep], err)
		}
		no, _ := r.FieldPos(0)
		rec = capCells(rec)
		cells := make([]string, len(rec))
		empty := true
		for i, c := range rec {
			cells[i] = cleanSpace(strings.Join(strings.Fields(c), " "))
			empty = empty && cells[i] == ""
		}
		if empty {
			out = append(out, line{no: no})
			continue
		}
		out = append(out, line{no: no, cells: cells, text: strings.Join(cells, " "), header: len(out) == 0, table: 1})
		if len(out) > maxLines {
			return out, nil // read reports the bound
		}
	}
}
