// An independent verifier for Auditledge logs, built only on the Go team's transparency-log code
// (golang.org/x/mod/sumdb/note and sumdb/tlog). It reads a JSON document on stdin naming a
// verifier key, signed checkpoints, inclusion proofs and consistency proofs fetched from a server,
// checks every one, and exits non-zero on the first failure.
package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

type input struct {
	VerifierKey string   `json:"verifier_key"`
	Checkpoints []string `json:"checkpoints"`
	Inclusion   []struct {
		Checkpoint string   `json:"checkpoint"`
		Index      int64    `json:"index"`
		LeafHash   string   `json:"leaf_hash"`
		Proof      []string `json:"proof"`
	} `json:"inclusion"`
	Consistency []struct {
		From  string   `json:"from_checkpoint"`
		To    string   `json:"to_checkpoint"`
		Proof []string `json:"proof"`
	} `json:"consistency"`
}

type checkpoint struct {
	origin string
	size   int64
	root   tlog.Hash
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "FAIL: "+format+"\n", args...)
	os.Exit(1)
}

func hash(b64 string) tlog.Hash {
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || len(raw) != tlog.HashSize {
		fail("bad hash %q", b64)
	}
	var h tlog.Hash
	copy(h[:], raw)
	return h
}

func hashes(list []string) []tlog.Hash {
	out := make([]tlog.Hash, len(list))
	for i, s := range list {
		out[i] = hash(s)
	}
	return out
}

func open(verifier note.Verifier, text string) checkpoint {
	n, err := note.Open([]byte(text), note.VerifierList(verifier))
	if err != nil {
		fail("checkpoint signature: %v", err)
	}
	lines := strings.Split(n.Text, "\n")
	if len(lines) < 4 {
		fail("checkpoint body too short")
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil {
		fail("checkpoint size: %v", err)
	}
	return checkpoint{origin: lines[0], size: size, root: hash(lines[2])}
}

func main() {
	var in input
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		fail("input: %v", err)
	}
	verifier, err := note.NewVerifier(in.VerifierKey)
	if err != nil {
		fail("verifier key: %v", err)
	}
	for _, text := range in.Checkpoints {
		open(verifier, text)
	}
	for _, p := range in.Inclusion {
		cp := open(verifier, p.Checkpoint)
		if err := tlog.CheckRecord(hashes(p.Proof), cp.size, cp.root, p.Index, hash(p.LeafHash)); err != nil {
			fail("inclusion of leaf %d in tree %d: %v", p.Index, cp.size, err)
		}
	}
	for _, p := range in.Consistency {
		from, to := open(verifier, p.From), open(verifier, p.To)
		if from.origin != to.origin {
			fail("consistency across origins %q and %q", from.origin, to.origin)
		}
		if err := tlog.CheckTree(hashes(p.Proof), to.size, to.root, from.size, from.root); err != nil {
			fail("consistency %d -> %d: %v", from.size, to.size, err)
		}
	}
	fmt.Printf("OK: %d checkpoints, %d inclusion proofs, %d consistency proofs verified by golang.org/x/mod/sumdb\n",
		len(in.Checkpoints), len(in.Inclusion), len(in.Consistency))
}
