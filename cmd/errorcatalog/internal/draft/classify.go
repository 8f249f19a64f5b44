package draft

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/errorcatalog/errorcatalogprocessor/catalog"
)

// defaultRules is the classifier's rule file. It speaks of the text only:
// no vendor, no specific code.
//
//go:embed rules.yaml
var defaultRules []byte

// Rules is a classifier: phrases and patterns of an error's text mapped to
// a classification, and what an entry gets when no rule decides.
type Rules struct {
	// Defaults give each category's severity and retryable, where a rule
	// does not set them.
	Defaults map[string]Outcome `yaml:"defaults"`
	// Review is what an entry gets when no rule fired or rules disagree.
	Review Outcome `yaml:"review"`
	// Rules, each with a weight: the heaviest rules that fire decide.
	Rules []Rule `yaml:"rules"`

	compiled []compiledRule
	phrases  phraseIndex
}

// Outcome is a classification, in the catalog's terms.
type Outcome struct {
	Category  string `yaml:"category"`
	Class     string `yaml:"class"`
	Severity  string `yaml:"severity"`
	Retryable *bool  `yaml:"retryable"`
}

// Rule fires when any of its phrases or patterns is in the text (or the
// documented HTTP status is one of its statuses), any of With is too (when
// given), and none of Without.
type Rule struct {
	ID       string   `yaml:"id"`
	Weight   int      `yaml:"weight"`
	Phrases  []string `yaml:"phrases"`
	Patterns []string `yaml:"patterns"`
	Statuses []int    `yaml:"http_status"`
	With     []string `yaml:"with"`
	Without  []string `yaml:"without"`
	Outcome  `yaml:",inline"`
}

type compiledRule struct {
	*Rule
	phrases, with, without []string
	patterns               []*regexp.Regexp
}

// LoadRules returns the built-in rules, extended by the rule files given:
// a rule with a built-in rule's id replaces it, others are added; defaults
// and review given in a file replace the built-in ones.
func LoadRules(paths ...string) (*Rules, error) {
	r, err := parseRules("built-in rules", defaultRules)
	if err != nil {
		return nil, err
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("reading rules: %w", err)
		}
		ext, err := parseRules(p, data)
		if err != nil {
			return nil, err
		}
		for k, v := range ext.Defaults {
			r.Defaults[k] = v
		}
		if ext.Review.Category != "" {
			r.Review = ext.Review
		}
		for _, x := range ext.Rules {
			if i := slices.IndexFunc(r.Rules, func(b Rule) bool { return b.ID == x.ID }); i >= 0 {
				r.Rules[i] = x
			} else {
				r.Rules = append(r.Rules, x)
			}
		}
	}
	if err := r.compile("rules"); err != nil {
		return nil, err
	}
	return r, nil
}

func parseRules(name string, data []byte) (*Rules, error) {
	var r Rules
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if r.Defaults == nil {
		r.Defaults = map[string]Outcome{}
	}
	if err := r.compile(name); err != nil {
		return nil, err
	}
	return &r, nil
}

// compile checks the rules against the taxonomy and prepares their phrases.
func (r *Rules) compile(name string) error {
	var errs []error
	for cat, o := range r.Defaults {
		if _, err := catalog.ParseCategory(cat); err != nil {
			errs = append(errs, fmt.Errorf("%s: defaults.%s: %w", name, cat, err))
		}
		if o.Severity != "" {
			if _, err := catalog.ParseSeverity(o.Severity); err != nil {
				errs = append(errs, fmt.Errorf("%s: defaults.%s.severity: %w", name, cat, err))
			}
		}
	}
	if r.Review.Category != "" {
		if err := checkOutcome(r.Review, true); err != nil {
			errs = append(errs, fmt.Errorf("%s: review: %w", name, err))
		}
	}
	r.compiled = r.compiled[:0]
	seen := map[string]bool{}
	for i := range r.Rules {
		ru := &r.Rules[i]
		where := fmt.Sprintf("%s: rules[%d] (id %q)", name, i, ru.ID)
		switch {
		case ru.ID == "":
			errs = append(errs, fmt.Errorf("%s: rules[%d]: missing id", name, i))
		case seen[ru.ID]:
			errs = append(errs, fmt.Errorf("%s: duplicate id", where))
		}
		seen[ru.ID] = true
		if len(ru.Phrases)+len(ru.Patterns)+len(ru.Statuses) == 0 {
			errs = append(errs, fmt.Errorf("%s: a rule needs phrases, patterns or http_status", where))
		}
		if err := checkOutcome(ru.Outcome, false); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", where, err))
		}
		c := compiledRule{Rule: ru, phrases: normalize(ru.Phrases), with: normalize(ru.With), without: normalize(ru.Without)}
		for _, p := range ru.Patterns {
			re, err := regexp.Compile(p)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: pattern %q: %w", where, p, err))
				continue
			}
			c.patterns = append(c.patterns, re)
		}
		r.compiled = append(r.compiled, c)
	}
	r.phrases = indexPhrases(r.compiled)
	return errors.Join(errs...)
}

func checkOutcome(o Outcome, full bool) error {
	if _, err := catalog.ParseCategory(o.Category); err != nil || o.Category == "unknown" {
		return fmt.Errorf("category %q is not a catalog category", o.Category)
	}
	if _, err := catalog.ParseClass(o.Class); err != nil {
		return fmt.Errorf("class: %w", err)
	}
	if o.Severity != "" || full {
		if _, err := catalog.ParseSeverity(o.Severity); err != nil {
			return fmt.Errorf("severity: %w", err)
		}
	}
	if full && o.Retryable == nil {
		return errors.New("retryable is required")
	}
	return nil
}

// normalize lower-cases phrases and reduces them to their words, as the
// text they are matched in is. A phrase ending in * matches word prefixes.
func normalize(ps []string) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		star := strings.HasSuffix(p, "*")
		out[i] = " " + strings.TrimSpace(textWords(strings.TrimSuffix(p, "*")))
		if !star {
			out[i] += " "
		}
	}
	return out
}

// textWords lower-cases t and keeps its words, separated by single spaces,
// with a space before and after: " the uid does not exist ".
func textWords(t string) string {
	var b strings.Builder
	b.WriteByte(' ')
	space := true
	for i := 0; i < len(t); i++ {
		c := t[i]
		switch {
		case isLetter(c) || isDigit(c) || c >= 0x80:
			if isUpper(c) {
				c += 'a' - 'A'
			}
			b.WriteByte(c)
			space = false
		case c == '\'' && !space:
			// don't, isn't: one word
			b.WriteByte(c)
		default:
			if !space {
				b.WriteByte(' ')
				space = true
			}
		}
	}
	if !space {
		b.WriteByte(' ')
	}
	return b.String()
}

// Suggestion is the classifier's answer for one entry.
type Suggestion struct {
	Outcome
	Retryable bool
	Rule      string   // the rule that decided, "" when marked for review
	Review    string   // why the entry needs review, "" when a rule decided
	Fired     []string // every rule that fired, heaviest first
}

// Classify suggests a classification for an error from its text: the
// words of its code, its name, its description, and its HTTP status.
func (r *Rules) Classify(code, name, text string, status int) Suggestion {
	if isInt(code) {
		code = "" // a number says nothing; no phrase may match it
	}
	t := textWords(codeWordsPlain(code) + " " + name + " " + text)
	found := r.phrases.find(t, len(r.compiled))
	var fired []*compiledRule
	for i := range r.compiled {
		if c := &r.compiled[i]; c.fires(t, status, found[i]) {
			fired = append(fired, c)
		}
	}
	slices.SortStableFunc(fired, func(a, b *compiledRule) int { return b.Weight - a.Weight })
	var s Suggestion
	for _, f := range fired {
		s.Fired = append(s.Fired, f.ID)
	}
	switch {
	case len(fired) == 0:
		s.Outcome, s.Review = r.Review, "no rule fired"
	default:
		top := fired[0]
		for _, f := range fired[1:] {
			if f.Weight < top.Weight {
				break
			}
			if f.Category != top.Category || f.Class != top.Class {
				s.Outcome = r.Review
				s.Review = fmt.Sprintf("rules disagree: %s (%s/%s) and %s (%s/%s)", top.ID, top.Category, top.Class, f.ID, f.Category, f.Class)
				break
			}
		}
		if s.Review == "" {
			s.Outcome, s.Rule = top.Outcome, top.ID
		}
	}
	d := r.Defaults[s.Category]
	if s.Severity == "" {
		s.Severity = d.Severity
	}
	if s.Severity == "" {
		s.Severity = "warning"
	}
	switch {
	case s.Outcome.Retryable != nil:
		s.Retryable = *s.Outcome.Retryable
	case d.Retryable != nil:
		s.Retryable = *d.Retryable
	}
	s.enforce()
	return s
}

// enforce applies the taxonomy's rules, whatever the rule files say:
// success is OK, info and never retried; vendor-side faults are at least
// errors.
func (s *Suggestion) enforce() {
	switch s.Category {
	case "success":
		s.Class, s.Severity, s.Retryable = "OK", "info", false
	case "server", "unavailable":
		if s.Severity != "critical" {
			s.Severity = "error"
		}
	}
	if s.Category != "success" && s.Class == "OK" {
		s.Class = "UNKNOWN"
	}
}

// fires reports whether the rule's phrases or patterns are in t (or its
// statuses include status), and its with and without conditions hold.
func (c *compiledRule) fires(t string, status int, found uint8) bool {
	hit := found&inPhrases != 0 || status != 0 && slices.Contains(c.Statuses, status)
	for _, re := range c.patterns {
		if hit {
			break
		}
		hit = re.MatchString(t)
	}
	if !hit {
		return false
	}
	if len(c.with) > 0 && found&inWith == 0 {
		return false
	}
	return found&inWithout == 0
}

// Which of a rule's phrase lists a text has a phrase of.
const (
	inPhrases uint8 = 1 << iota
	inWith
	inWithout
)

// phraseIndex finds every rule's phrases in a text in one pass over its
// words, instead of one search of the text per phrase: the rules hold
// hundreds of phrases, and a document thousands of entries.
type phraseIndex struct {
	byWord   map[string][]phraseRef // phrases by their first (whole) word
	prefixes []phraseRef            // one-word prefixes (throttl*): tried at every word
}

type phraseRef struct {
	rule int
	list uint8  // inPhrases, inWith or inWithout
	text string // as normalize made it: " too many requests ", " rate limit"
}

func indexPhrases(rules []compiledRule) phraseIndex {
	ix := phraseIndex{byWord: map[string][]phraseRef{}}
	for i, c := range rules {
		for list, ps := range map[uint8][]string{inPhrases: c.phrases, inWith: c.with, inWithout: c.without} {
			for _, p := range ps {
				ref := phraseRef{rule: i, list: list, text: p}
				first, _, multi := strings.Cut(strings.TrimPrefix(p, " "), " ")
				if first == "" {
					continue // a phrase of no words matches nothing
				}
				if !multi && !strings.HasSuffix(p, " ") {
					ix.prefixes = append(ix.prefixes, ref)
					continue
				}
				ix.byWord[first] = append(ix.byWord[first], ref)
			}
		}
	}
	return ix
}

// find returns, rule by rule, which phrase lists t (from textWords: words
// between single spaces) has a phrase of. A phrase matches where a word
// starts, exactly as strings.Contains(t, phrase) would.
func (ix *phraseIndex) find(t string, rules int) []uint8 {
	found := make([]uint8, rules)
	for p := 1; p < len(t); {
		end := strings.IndexByte(t[p:], ' ')
		if end < 0 {
			break
		}
		rest := t[p-1:]
		for _, ref := range ix.byWord[t[p:p+end]] {
			if strings.HasPrefix(rest, ref.text) {
				found[ref.rule] |= ref.list
			}
		}
		for _, ref := range ix.prefixes {
			if strings.HasPrefix(rest, ref.text) {
				found[ref.rule] |= ref.list
			}
		}
		p += end + 1
	}
	return found
}

// codeWordsPlain spells a symbolic code as words for matching
// (ERR_UID_NOT_FOUND: "err uid not found"); a number stays itself, which no
// phrase matches.
func codeWordsPlain(code string) string {
	var b strings.Builder
	for i := 0; i < len(code); i++ {
		c := code[i]
		if i > 0 && isUpper(c) && isLower(code[i-1]) {
			b.WriteByte(' ')
		}
		if c == '_' || c == '.' || c == '-' {
			c = ' '
		}
		b.WriteByte(c)
	}
	return b.String()
}

// DefaultRules returns the built-in rule file, to print or copy.
func DefaultRules() []byte { return slices.Clone(defaultRules) }
