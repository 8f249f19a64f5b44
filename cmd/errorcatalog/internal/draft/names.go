package draft

import (
	"regexp"
	"strings"
)

// maxNameWords bounds a drafted name: a dashboard legend, not a sentence.
const maxNameWords = 6

// Words spelled as their own convention in names. Keys are lower case; a
// value with a space splits a word a code runs together (APIKEY).
var nameSpelling = map[string]string{
	"api": "API", "apis": "APIs", "id": "ID", "ids": "IDs", "uid": "UID", "guid": "GUID", "uuid": "UUID",
	"url": "URL", "uri": "URI", "http": "HTTP", "https": "HTTPS", "sms": "SMS", "mms": "MMS",
	"ip": "IP", "json": "JSON", "xml": "XML", "sip": "SIP", "sso": "SSO", "tos": "TOS", "otp": "OTP",
	"pin": "PIN", "xid": "XID", "oauth": "OAuth", "jwt": "JWT", "ssl": "SSL", "tls": "TLS",
	"dns": "DNS", "ws": "WS", "sdk": "SDK", "iso": "ISO", "utf": "UTF", "csv": "CSV", "pdf": "PDF",
	"db": "DB", "ttl": "TTL", "mfa": "MFA", "2fa": "2FA", "vat": "VAT", "iban": "IBAN", "ok": "OK",
	"apikey": "API Key", "appid": "App ID", "authtoken": "Auth Token", "phonenumber": "Phone Number",
	"countrycode": "Country Code", "numbertype": "Number Type", "mediaid": "Media ID",
	"groupmember": "Group Member", "username": "Username", "userid": "User ID",
}

// lowerInTitle are the words a title keeps lower case ("Out of Range").
var lowerInTitle = map[string]bool{
	"a": true, "an": true, "the": true, "of": true, "for": true, "to": true, "in": true, "on": true,
	"or": true, "and": true, "with": true, "by": true, "at": true, "as": true, "from": true,
	"per": true, "via": true, "vs": true, "into": true,
}

// noiseWords say a code is an error, which every code in a catalog is.
var noiseWords = map[string]bool{"err": true, "error": true, "errors": true, "e": true, "exception": true, "exc": true}

// legend drafts the entry's name: the document's own short text when its
// table has one, else the words of a symbolic code, else the first clause
// of the description.
func legend(r *Row) string {
	switch {
	case r.Name != "":
		if n := titleCase(firstWords(trimName(r.Name), maxNameWords)); n != "" {
			return n
		}
	case r.alias != "":
		if n := codeName(r.alias); n != "" {
			return n
		}
	}
	if r.shape != shapeInt {
		if n := codeName(r.Code); n != "" {
			return n
		}
	}
	return titleCase(firstWords(trimName(firstClause(r.Text)), maxNameWords))
}

var placeholder = regexp.MustCompile(`\{[^}]{0,40}\}|%[sdvqx]|<[^>]{0,40}>|\$\{?\w+\}?`)

// trimName drops message placeholders ({0}, %s) and closing punctuation
// from a document's short text: a legend has no slots to fill.
func trimName(n string) string {
	n = placeholder.ReplaceAllString(n, "")
	return strings.TrimRight(strings.Join(strings.Fields(n), " "), ".:;, '\"")
}

// codeName names a symbolic code by its words: ERR_UID_NOT_FOUND is
// "UID Not Found", AccountAlreadyExists "Account Already Exists".
func codeName(code string) string {
	var ws []string
	for part := range strings.FieldsFuncSeq(code, func(r rune) bool { return r == '_' || r == '.' || r == '-' }) {
		start := 0
		for i := 1; i < len(part); i++ {
			if isUpper(part[i]) && (isLower(part[i-1]) || i+1 < len(part) && isLower(part[i+1]) && isUpper(part[i-1])) {
				ws = append(ws, part[start:i])
				start = i
			}
		}
		ws = append(ws, part[start:])
	}
	var kept []string
	for _, w := range ws {
		w = strings.ToLower(w)
		if noiseWords[w] || len(kept) > 0 && kept[len(kept)-1] == w {
			continue // AUTH_ERR_AUTH_TOKEN_NOT_FOUND is "Auth Token Not Found"
		}
		kept = append(kept, w)
	}
	if len(kept) == 0 {
		return ""
	}
	return titleCase(strings.Join(kept, " "))
}

// firstClause returns the description's first clause, without the
// "Indicates that the" many vendors open with.
func firstClause(t string) string {
	for _, sep := range []string{". ", "; ", " - ", " (", ", "} {
		if i := strings.Index(t, sep); i > 0 {
			t = t[:i]
		}
	}
	t = strings.TrimRight(columnEnd(t), ".:;, ")
	lower := strings.ToLower(t)
	for _, p := range []string{"indicates that the ", "indicates that ", "indicates the ", "indicates ", "the ", "a ", "an "} {
		if strings.HasPrefix(lower, p) && len(t) > len(p) {
			t, lower = t[len(p):], lower[len(p):]
		}
	}
	return t
}

// columnEnd cuts text copied from two columns without a separator where
// the second starts: a capitalised word after a lower-case one ("Frequency
// control The invoking…", "Object cannot be found See Status Code 404").
// Acronyms (HTTP) do not start a column, and a title-cased first column
// ("Server Internal Error") is not cut.
func columnEnd(t string) string {
	ws := strings.Fields(t)
	sentence := false // the first column is in sentence case: a title-cased one ("Server Internal Error") is not cut
	for i := 1; i < len(ws); i++ {
		prev := ws[i-1]
		if capitalised(ws[i]) && !allCaps(ws[i]) && isLower(prev[len(prev)-1]) && sentence {
			return strings.Join(ws[:i], " ")
		}
		sentence = sentence || startsLower(ws[i])
	}
	return t
}

func firstWords(t string, n int) string {
	ws := strings.Fields(t)
	if len(ws) > n {
		ws = ws[:n]
		// A name does not end on "of" or "the".
		for len(ws) > 1 && smallWords[strings.ToLower(ws[len(ws)-1])] {
			ws = ws[:len(ws)-1]
		}
	}
	return strings.Join(ws, " ")
}

// titleCase capitalises a name's words, keeps small words lower case
// inside it, and spells acronyms as they are spelled.
func titleCase(t string) string {
	ws := strings.Fields(t)
	for i, w := range ws {
		ws[i] = titleWord(w, i == 0)
	}
	return strings.Join(ws, " ")
}

func titleWord(w string, first bool) string {
	parts := strings.Split(w, "-")
	for i, p := range parts {
		lower := strings.ToLower(p)
		switch {
		case strings.ContainsAny(p, "_0123456789"):
			parts[i] = p // an identifier (page_size, is_global): spelled as documented
		case nameSpelling[lower] != "":
			parts[i] = nameSpelling[lower]
		case !first && i == 0 && lowerInTitle[lower]:
			parts[i] = lower
		case p != lower && p != strings.ToUpper(p) || allCaps(p) && len(p) <= 4 && p == strings.ToUpper(p) && !first:
			// Mixed case (iOS, eBay) or a short acronym the document spells.
			parts[i] = p
		case p != "":
			parts[i] = strings.ToUpper(p[:1]) + lower[1:]
		}
	}
	return strings.Join(parts, "-")
}
