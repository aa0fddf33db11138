// Package recipe reads README's "Adding a function" recipe: the one Go block
// and the one template.yaml block a new function needs. The tests that apply
// or check the recipe read it from README.md through this package, so the
// README is the only copy anybody edits.
package recipe

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
)

var (
	// GoFirstLine is the Go block's first line; its group is the function's name.
	GoFirstLine   = regexp.MustCompile(`^// functions/([a-z][a-z0-9-]*)/main\.go$`)
	yamlFirstLine = regexp.MustCompile(`^# template\.yaml, under Resources:`)
	block         = regexp.MustCompile("(?s)```(go|yaml)\n(.*?)```")
)

// Recipe is what README's "Adding a function" section shows.
type Recipe struct {
	Name string // the function's directory under functions/
	Go   string // functions/<Name>/main.go
	YAML string // the resources to put under template.yaml's Resources:, first line dropped
}

// Read reads the recipe from the README at path.
func Read(path string) (Recipe, error) {
	readme, err := os.ReadFile(path)
	if err != nil {
		return Recipe{}, err
	}
	return Parse(string(readme))
}

// Parse finds the recipe in a README's text.
func Parse(readme string) (Recipe, error) {
	_, section, ok := strings.Cut(readme, "\n## Adding a function\n")
	if !ok {
		return Recipe{}, errors.New(`README has no "## Adding a function" section`)
	}
	section, _, _ = strings.Cut(section, "\n## ")
	var gos, yamls []string
	for _, b := range block.FindAllStringSubmatch(section, -1) {
		first, _, _ := strings.Cut(b[2], "\n")
		switch {
		case b[1] == "go" && GoFirstLine.MatchString(first):
			gos = append(gos, b[2])
		case b[1] == "yaml" && yamlFirstLine.MatchString(first):
			_, body, _ := strings.Cut(b[2], "\n")
			yamls = append(yamls, body)
		}
	}
	if len(gos) != 1 || len(yamls) != 1 {
		return Recipe{}, fmt.Errorf("README's recipe has %d Go blocks starting // functions/<name>/main.go and %d YAML blocks starting # template.yaml, under Resources:; want one of each", len(gos), len(yamls))
	}
	first, _, _ := strings.Cut(gos[0], "\n")
	return Recipe{Name: GoFirstLine.FindStringSubmatch(first)[1], Go: gos[0], YAML: yamls[0]}, nil
}

// ErrDefined is returned by AddTo when the template already defines one of
// the recipe's resources other than as the recipe shows it.
var ErrDefined = errors.New("template already defines a resource of the recipe, differently")

// AddTo returns the template with the recipe's resources first under
// Resources:. A template that already holds the recipe's block (its reader
// followed the recipe) has it once, where it was.
func (r Recipe) AddTo(template string) (string, error) {
	if strings.Contains(template, r.YAML) {
		return template, nil
	}
	for _, id := range resourceID.FindAllStringSubmatch(r.YAML, -1) {
		if strings.Contains(template, "\n  "+id[1]+":") {
			return "", fmt.Errorf("%w: %s", ErrDefined, id[1])
		}
	}
	before, after, ok := strings.Cut(template, "\nResources:\n")
	if !ok {
		return "", errors.New("template has no Resources: line")
	}
	return before + "\nResources:\n" + r.YAML + after, nil
}

// resourceID matches a resource's logical id in the recipe's block, indented
// as under Resources:.
var resourceID = regexp.MustCompile(`(?m)^  ([A-Za-z0-9]+):`)
