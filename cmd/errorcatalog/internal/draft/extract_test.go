package draft

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// row is what a layout test expects of a Row.
type row struct {
	Code, Name, Text, Section string
	Status                    int
}

func rowsOf(rs []Row) []row {
	out := make([]row, len(rs))
	for i, r := range rs {
		out[i] = row{Code: r.Code, Name: r.Name, Text: r.Text, Section: r.Section, Status: r.Status}
	}
	return out
}

// TestLayouts holds one small document per layout found in the wild, and
// the rows draft must read from it.
func TestLayouts(t *testing.T) {
	tests := []struct {
		name   string
		file   string
		doc    string
		want   []row
		warned bool
	}{
		{
			name: "text: status column, title-cased name, N/A and 4xx",
			file: "a.txt",
			doc: "Error codes\n\nHTTP Status Code Message Description\n" +
				"400 -1 Invalid Request The request is missing a parameter.\n" +
				"N/A -32 SSO Authentication Failed Authentication failure during Single Sign On.\n" +
				"4xx -34 Accept TOS Failure Server was not able to accept the terms.\n",
			want: []row{
				{Code: "-1", Status: 400, Name: "Invalid Request", Text: "The request is missing a parameter."},
				{Code: "-32", Name: "SSO Authentication Failed", Text: "Authentication failure during Single Sign On."},
				{Code: "-34", Name: "Accept TOS Failure", Text: "Server was not able to accept the terms."},
			},
		},
		{
			name: "text: code run into its text, sections, numbered sub-points, a paragraph after a blank line",
			file: "b.txt",
			doc: "Skip to main content\n\nError Guide\n\nError CodeError Description\nUser Errors\n" +
				"ERR_UID_NOT_FOUNDIndicates any one of the following:\n1. UID does not exist.\n2. User is soft deleted.\n" +
				"ERR_UID_DELETE_FAILEDIndicates that the API failed to delete the user.\n\nFor example, twice.\n" +
				"API Key Errors\nERR_APIKEY_NOT_FOUNDIndicates that the api key does not exist.\n",
			want: []row{
				{Code: "ERR_UID_NOT_FOUND", Section: "User Errors", Text: "Indicates any one of the following: 1. UID does not exist. 2. User is soft deleted."},
				{Code: "ERR_UID_DELETE_FAILED", Section: "User Errors", Text: "Indicates that the API failed to delete the user. For example, twice."},
				{Code: "ERR_APIKEY_NOT_FOUND", Section: "API Key Errors", Text: "Indicates that the api key does not exist."},
			},
		},
		{
			name: "text: the title above the header names the first group; furniture ends the table",
			file: "c.txt",
			doc: "Status codes\n\nServer status codes\n\ncode Description Troubleshooting Guide\n200 Successful operation\n" +
				"302 Incorrect user name or password See Status Code 302\nTeam\n801 Team is full\n" +
				"Was this page helpful?\nYes\nNo\n  • Server status codes\n",
			want: []row{
				{Code: "200", Section: "Server status codes", Text: "Successful operation"},
				{Code: "302", Section: "Server status codes", Text: "Incorrect user name or password See Status Code 302"},
				{Code: "801", Section: "Team", Text: "Team is full"},
			},
		},
		{
			name: "text: a table of HTTP statuses is not codes; parameter tables are not codes",
			file: "d.txt",
			doc: "HTTP Status Codes\n\nStatus Code Name Description\n400 Bad Request Missing data.\n401 Unauthorized Wrong credentials.\n\n" +
				"Parameter Type Description\nErrorCode string A single word.\n\nError Codes\n\nError Code Description\n" +
				"ACCOUNT_NOT_FOUND A matching account could not be found.\nFORBIDDEN A request could not be processed.\n",
			want: []row{
				{Code: "ACCOUNT_NOT_FOUND", Text: "A matching account could not be found."},
				{Code: "FORBIDDEN", Text: "A request could not be processed."},
			},
			warned: true,
		},
		{
			name: "text: sentence-cased short column, then the long one",
			file: "e.txt",
			doc: "Error Code Description Explanation\n2600 Server error An unspecified error has occurred.\n" +
				"2603 Invalid page requested. Valid pages must be greater than 0.\n2608 Unknown two-character country code\n",
			want: []row{
				{Code: "2600", Name: "Server error", Text: "An unspecified error has occurred."},
				{Code: "2603", Name: "Invalid page requested", Text: "Valid pages must be greater than 0."},
				{Code: "2608", Text: "Unknown two-character country code"},
			},
		},
		{
			name: "text: tab-separated rows, as copying an HTML table gives",
			file: "f.txt",
			doc:  "Code\tHTTP status\tDescription\nwidget_missing\t404\tNo widget.\nwidget_locked\tN/A\tThe widget is locked.\n",
			want: []row{
				{Code: "widget_missing", Status: 404, Text: "No widget."},
				{Code: "widget_locked", Text: "The widget is locked."},
			},
		},
		{
			name: "markdown: sections, inline markup, escaped pipes, a status column",
			file: "g.md",
			doc: "# Errors\n\nSome prose about 404 and ERR_PROSE.\n\n## Accounts\n\n| Error code | HTTP status | Description |\n|---|:---:|---|\n" +
				"| `AccountAlreadyExists` | 409 | The account **already** exists. |\n| AccountBeingCreated | 409 | Creating \\| wait. |\n\n" +
				"## Blobs\n\n| Error code | HTTP status | Description |\n| --- | --- | --- |\n| [BlobNotFound](#b) | 404 | The blob does not exist. |\n",
			want: []row{
				{Code: "AccountAlreadyExists", Status: 409, Section: "Accounts", Text: "The account already exists."},
				{Code: "AccountBeingCreated", Status: 409, Section: "Accounts", Text: "Creating | wait."},
				{Code: "BlobNotFound", Status: 404, Section: "Blobs", Text: "The blob does not exist."},
			},
		},
		{
			name: "html: scripts, navigation and footers skipped; th header; group rows; headings",
			file: "h.html",
			doc: "<html><head><title>Errors</title><script>var x = \"ERR_SCRIPT 400\";</script></head><body>" +
				"<nav><a>ERR_NAV</a></nav><h2>Messaging</h2><table><thead><tr><th>Code</th><th>Message</th><th>Description</th></tr></thead>" +
				"<tbody><tr><td>1001</td><td>Invalid number</td><td>The number is not valid.<br>Use E.164.</td></tr>" +
				"<tr><td colspan=3>Delivery</td></tr><tr><td>1002</td><td>Blocked</td><td>The carrier blocked it.</td></tr></tbody></table>" +
				"<footer>1003 not a code</footer></body></html>",
			want: []row{
				{Code: "1001", Name: "Invalid number", Section: "Messaging", Text: "The number is not valid. Use E.164."},
				{Code: "1002", Name: "Blocked", Section: "Delivery", Text: "The carrier blocked it."},
			},
		},
		{
			name: "csv: BOM, quoted cells with commas and line breaks, a ragged row",
			file: "i.csv",
			doc:  "\ufeffcode,name,description\n30001,Queue overflow,\"Too many messages, queued\"\n30002,Account suspended,\"The account\nis suspended\"\n30003,Unreachable\n",
			want: []row{
				{Code: "30001", Name: "Queue overflow", Text: "Too many messages, queued"},
				{Code: "30002", Name: "Account suspended", Text: "The account is suspended"},
				{Code: "30003", Name: "Unreachable", Text: "Unreachable"},
			},
		},
		{
			name: "csv with semicolons, as spreadsheets write them in some locales",
			file: "s.csv",
			doc:  "code;description\n1;One is gone, really\n2;Two is invalid\n",
			want: []row{
				{Code: "1", Text: "One is gone, really"},
				{Code: "2", Text: "Two is invalid"},
			},
		},
		{
			name: "markdown: a heading per code, its description below",
			file: "h.md",
			doc:  "# Errors\n\n## ERR_WIDGET_NOT_FOUND\n\nThe widget does not exist.\n\n## ERR_WIDGET_LOCKED\n\nThe widget is locked.\nAsk its owner.\n\n## ERR_RATE_LIMITED\n\nToo many requests.\n",
			want: []row{
				{Code: "ERR_WIDGET_NOT_FOUND", Text: "The widget does not exist."},
				{Code: "ERR_WIDGET_LOCKED", Text: "The widget is locked. Ask its owner."},
				{Code: "ERR_RATE_LIMITED", Text: "Too many requests."},
			},
		},
		{
			name: "html: a definition list",
			file: "d.html",
			doc:  "<html><body><h1>Error codes</h1><dl><dt>1001</dt><dd>The number is not valid.</dd><dt>1002</dt><dd>The carrier blocked it.</dd><dt>1003</dt><dd>The account is suspended.</dd></dl></body></html>",
			want: []row{
				{Code: "1001", Text: "The number is not valid."},
				{Code: "1002", Text: "The carrier blocked it."},
				{Code: "1003", Text: "The account is suspended."},
			},
		},
		{
			name: "text: continuation lines that start with an acronym or a number are not codes",
			file: "m.txt",
			doc: "Error Code Description\nERR_BAD_BODY The body could not be parsed.\nJSON bodies must be UTF-8 encoded.\nERR_NO_AUTH No credentials.\n" +
				"URL parameters are not read.\n\nCode Description\n1001 The number must have\n10 digits and no spaces.\n1002 The text may have at most\n160 characters.\n1003 Unknown sender.\n",
			want: []row{
				{Code: "ERR_BAD_BODY", Text: "The body could not be parsed. JSON bodies must be UTF-8 encoded."},
				{Code: "ERR_NO_AUTH", Text: "No credentials. URL parameters are not read."},
				{Code: "1001", Text: "The number must have 10 digits and no spaces."},
				{Code: "1002", Text: "The text may have at most 160 characters."},
				{Code: "1003", Text: "Unknown sender."},
			},
		},
		{
			name: "markdown: parameter and field tables are not codes; code spans and escapes are kept as written",
			file: "p.md",
			doc: "## Request parameters\n\n| Parameter | Type | Required | Description |\n|---|---|---|---|\n| recipient_id | string | yes | Who. |\n| message_text | string | yes | What. |\n\n" +
				"## Error object\n\n| Field | Description |\n|---|---|\n| error_code | The code. |\n| error_message | The message. |\n\n" +
				"## Codes\n\n| Code | Description |\n|---|---|\n| `SYS__TIMEOUT` | Timed out. |\n| ERR\\_NOT\\_FOUND | Not found. |\n| **invalid_request_error** | Bad request. |\n",
			want: []row{
				{Code: "SYS__TIMEOUT", Text: "Timed out."},
				{Code: "ERR_NOT_FOUND", Text: "Not found."},
				{Code: "invalid_request_error", Text: "Bad request."},
			},
		},
		{
			name: "text: integer codes with lower-case descriptions; a longer code of its own length is a code",
			file: "r.txt",
			doc:  "Code Description\n200 success\n403 illegal operation\n414 parameter error\n500 internal server error\n10436 app cannot be found\n",
			want: []row{
				{Code: "200", Text: "success"}, {Code: "403", Text: "illegal operation"}, {Code: "414", Text: "parameter error"},
				{Code: "500", Text: "internal server error"}, {Code: "10436", Text: "app cannot be found"},
			},
		},
		{
			name: "text: a separator after the code goes, a minus sign stays",
			file: "t.txt",
			doc:  "Error Code Description\nERR_F – -1 is not allowed.\nERR_G: The second.\n",
			want: []row{{Code: "ERR_F", Text: "-1 is not allowed."}, {Code: "ERR_G", Text: "The second."}},
		},
		{
			name: "csv: a camelCase header names the code column",
			file: "c.csv",
			doc:  "ErrorCode,Description\n1001,Invalid token\n1002,Not found\n",
			want: []row{{Code: "1001", Text: "Invalid token"}, {Code: "1002", Text: "Not found"}},
		},
		{
			name: "markdown: a Status code column of the vendor's own codes",
			file: "s.md",
			doc:  "| Status code | Description |\n|---|---|\n| 200 | ok |\n| 403 | no |\n| 10436 | app cannot be found |\n",
			want: []row{{Code: "200", Text: "ok"}, {Code: "403", Text: "no"}, {Code: "10436", Text: "app cannot be found"}},
		},
		{
			name: "csv: a named code column of mixed shapes",
			file: "m.csv",
			doc:  "Error Code,Description\nERR_A,a\nERR_B,b\nE100,c\nE101,d\n",
			want: []row{{Code: "ERR_A", Text: "a"}, {Code: "ERR_B", Text: "b"}, {Code: "E100", Text: "c"}, {Code: "E101", Text: "d"}},
		},
		{
			name: "markdown: a table of settings with types is not codes",
			file: "p.md",
			doc:  "| Name | Type | Description |\n|---|---|---|\n| MAX_RETRIES | integer | How many. |\n| ENV_API_KEY | string | The key. |\n\n| Code | Description |\n|---|---|\n| E_ONE | One. |\n",
			want: []row{{Code: "E_ONE", Text: "One."}},
		},
		{
			name: "markdown: error names under a Name header",
			file: "n.md",
			doc:  "| Name | Description |\n|---|---|\n| WIDGET_NOT_FOUND | No widget. |\n| WIDGET_LOCKED | Locked. |\n",
			want: []row{
				{Code: "WIDGET_NOT_FOUND", Text: "No widget."},
				{Code: "WIDGET_LOCKED", Text: "Locked."},
			},
		},
		{
			name: "csv: codes of any shape the catalog takes, in a column the header names",
			file: "e.csv",
			doc:  "Error Code,Description\nE100,Card declined\nPAY-001,Insufficient funds\ninvalid-token,The token is invalid\n",
			want: []row{
				{Code: "E100", Text: "Card declined"},
				{Code: "PAY-001", Text: "Insufficient funds"},
				{Code: "invalid-token", Text: "The token is invalid"},
			},
		},
		{
			name: "html: a heading over no codes ends the last entry; separators after the code are not text",
			file: "n.html",
			doc: "<html><body><h1>Errors</h1><ul><li><code>ERR_ONE</code> – The first.</li><li><code>ERR_TWO</code>: The second.</li><li><code>ERR_THREE</code> - The third.</li></ul>" +
				"<p>See also ERR_OTHER for details.</p><h2>Need help?</h2><p>Contact SUPPORT_TEAM by email.</p></body></html>",
			want: []row{
				{Code: "ERR_ONE", Text: "The first."},
				{Code: "ERR_TWO", Text: "The second."},
				{Code: "ERR_THREE", Text: "The third."},
			},
		},
		{
			name: "tsv",
			file: "j.tsv",
			doc:  "Error\tDescription\nquota.exceeded\tThe quota is exceeded.\nauth.token_expired\tThe token expired.\n",
			want: []row{
				{Code: "quota.exceeded", Text: "The quota is exceeded."},
				{Code: "auth.token_expired", Text: "The token expired."},
			},
		},
		{
			name: "text without a header: lines that start with a code",
			file: "k.txt",
			doc:  "Our API returns these:\n\nE_TIMEOUT The call timed out.\nE_DENIED You may not.\nE_GONE It is gone.\n\nContact support.\n",
			want: []row{
				{Code: "E_TIMEOUT", Text: "The call timed out."},
				{Code: "E_DENIED", Text: "You may not."},
				{Code: "E_GONE", Text: "It is gone."},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lines, _, err := read([]byte(tt.doc), tt.file, FormatAuto)
			if err != nil {
				t.Fatal(err)
			}
			x := extract(lines)
			if d := cmp.Diff(tt.want, rowsOf(x.rows)); d != "" {
				t.Errorf("rows (-want +got):\n%s", d)
			}
			if got := len(x.warnings) > 0; got != tt.warned {
				t.Errorf("warnings %q, want some: %v", x.warnings, tt.warned)
			}
		})
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		name, doc string
		want      Format
	}{
		{"x.md", "", FormatMarkdown},
		{"x.HTM", "", FormatHTML},
		{"x.csv", "", FormatCSV},
		{"x.tsv", "", FormatTSV},
		{"-", "<!DOCTYPE html><html><body></body></html>", FormatHTML},
		{"-", "intro\n\n| a | b |\n|---|---|\n| 1 | 2 |\n", FormatMarkdown},
		{"-", "code,description\n1,a\n2,b\n", FormatCSV},
		{"-", "code\tdescription\n1\ta\n2\tb\n", FormatTSV},
		{"-", "Error codes\n\n1 One, two, three\nTwo, and more\n", FormatText},
	}
	for _, tt := range tests {
		if got := Detect(tt.name, []byte(tt.doc)); got != tt.want {
			t.Errorf("Detect(%q, %q) = %s, want %s", tt.name, tt.doc, got, tt.want)
		}
	}
}

func TestShapeOf(t *testing.T) {
	tests := map[string]shape{
		"2601": shapeInt, "-3": shapeInt, "ERR_UID_NOT_FOUND": shapeUpper, "FORBIDDEN": shapeUpper,
		"AccountAlreadyExists": shapePascal, "invalid_request": shapeSnake, "auth.token_expired": shapeDotted,
		"OK": shapeNone, "The": shapeNone, "e.g": shapeNone, "1.": shapeNone, "ERR_": shapeNone, "a-b": shapeNone,
		"1234567890": shapeNone, "Indicates": shapeNone, "HTTP": shapeUpper,
	}
	for tok, want := range tests {
		if got := shapeOf(tok); got != want {
			t.Errorf("shapeOf(%q) = %s, want %s", tok, got, want)
		}
	}
}

func TestLegend(t *testing.T) {
	tests := []struct {
		row  Row
		want string
	}{
		{Row{Code: "ERR_UID_NOT_FOUND", shape: shapeUpper}, "UID Not Found"},
		{Row{Code: "AUTH_ERR_EMPTY_APIKEY", shape: shapeUpper}, "Auth Empty API Key"},
		{Row{Code: "AUTH_ERR_AUTH_TOKEN_NOT_FOUND", shape: shapeUpper}, "Auth Token Not Found"},
		{Row{Code: "AccountAlreadyExists", shape: shapePascal}, "Account Already Exists"},
		{Row{Code: "auth.token_expired", shape: shapeDotted}, "Auth Token Expired"},
		{Row{Code: "2600", shape: shapeInt, Name: "Server error"}, "Server Error"},
		{Row{Code: "801", shape: shapeInt, Text: "The quantity of team members exceeds limit of the team, and so on"}, "Quantity of Team Members Exceeds Limit"},
		{Row{Code: "416", shape: shapeInt, Text: "Frequency control The invoking frequency exceeds limit of interface."}, "Frequency Control"},
		{Row{Code: "500", shape: shapeInt, Text: "Server Internal Error"}, "Server Internal Error"},
		{Row{Code: "2611", shape: shapeInt, Text: "Invalid page_size requested"}, "Invalid page_size Requested"},
	}
	for _, tt := range tests {
		if got := legend(&tt.row); got != tt.want {
			t.Errorf("legend(%+v) = %q, want %q", tt.row, got, tt.want)
		}
	}
}
