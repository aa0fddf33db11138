package localapi

import (
	"slices"
	"strings"

	"github.com/whatsapp-contact-processor/health/internal/samlocal"
)

// router matches requests to the functions' Api routes as SAM CLI's Flask
// app does: the decoded path against the template's path patterns ({name}
// is one non-empty segment, {name+} the non-empty rest), a single trailing
// slash ignored, literal segments before parameters before a greedy
// parameter; the first route in that order that also has the method wins.
type router []compiled

type compiled struct {
	samlocal.Route
	fn   *function
	segs []segment
}

type segKind int

// In order of precedence.
const (
	literal segKind = iota
	param
	greedy
)

type segment struct {
	kind segKind
	text string // the literal, or the parameter's name
}

func newRouter(fns []*function) router {
	var r router
	for _, fn := range fns {
		for _, rt := range fn.Routes {
			r = append(r, compile(rt, fn))
		}
	}
	slices.SortStableFunc(r, func(a, b compiled) int {
		for i := 0; i < len(a.segs) && i < len(b.segs); i++ {
			if a.segs[i].kind != b.segs[i].kind {
				return int(a.segs[i].kind) - int(b.segs[i].kind)
			}
		}
		return len(b.segs) - len(a.segs)
	})
	return r
}

func compile(rt samlocal.Route, fn *function) compiled {
	c := compiled{Route: rt, fn: fn}
	for _, s := range splitPath(rt.Path) {
		switch {
		case strings.HasPrefix(s, "{") && strings.HasSuffix(s, "+}"):
			c.segs = append(c.segs, segment{greedy, s[1 : len(s)-2]})
		case strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}"):
			c.segs = append(c.segs, segment{param, s[1 : len(s)-1]})
		default:
			c.segs = append(c.segs, segment{literal, s})
		}
	}
	return c
}

// splitPath splits "/a/b" into [a b]; "/" is no segments. One trailing
// slash is dropped, as Flask does with strict_slashes off.
func splitPath(p string) []string {
	p = strings.TrimPrefix(p, "/")
	p = strings.TrimSuffix(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

// match returns the route (and its function) for method and the decoded path, with its path
// parameters (nil when it has none).
func (r router) match(method, path string) (*compiled, map[string]string, bool) {
	if !strings.HasPrefix(path, "/") || strings.HasSuffix(path, "//") {
		return nil, nil, false
	}
	segs := splitPath(path)
	for i := range r {
		c := &r[i]
		if !slices.Contains(c.Methods, method) {
			continue
		}
		if params, ok := c.bind(segs); ok {
			return c, params, true
		}
	}
	return nil, nil, false
}

func (c *compiled) bind(segs []string) (map[string]string, bool) {
	var params map[string]string
	set := func(k, v string) {
		if params == nil {
			params = map[string]string{}
		}
		params[k] = v
	}
	for i, s := range c.segs {
		if s.kind == greedy {
			rest := strings.Join(segs[min(i, len(segs)):], "/")
			if rest == "" {
				return nil, false
			}
			set(s.text, rest)
			return params, true
		}
		if i >= len(segs) || segs[i] == "" {
			return nil, false
		}
		switch s.kind {
		case literal:
			if segs[i] != s.text {
				return nil, false
			}
		case param:
			set(s.text, segs[i])
		}
	}
	return params, len(segs) == len(c.segs)
}
