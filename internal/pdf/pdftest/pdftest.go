// Package pdftest writes small, valid PDF files with known content for tests: pages with
// lines of text (in the standard Helvetica font, so pdftotext reads them back) and a
// document information dictionary with any keys.
package pdftest

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
)

// Doc describes a PDF to write.
type Doc struct {
	// Pages holds each page's lines of text, top to bottom. No pages makes a one-page PDF
	// with no text.
	Pages [][]string
	// Info is the document information dictionary (Title, Author, Composer, Subtitle…).
	Info map[string]string
	// Inherit puts the resources and the media box on the page tree (in an intermediate
	// node), where pages inherit them, as many PDF writers do.
	Inherit bool
	// Padding adds a stream of that many bytes no page uses: a large file that is still a
	// valid PDF.
	Padding int
}

// Build returns the PDF's bytes.
func Build(d Doc) []byte {
	pages := d.Pages
	if len(pages) == 0 {
		pages = [][]string{nil}
	}
	var objs []string // objs[i] is object i+1
	add := func(s string) int { objs = append(objs, s); return len(objs) }

	catalog := add("") // filled in below
	pagesObj := add("")
	font := add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
	middle := add("null") // the intermediate page tree node, with Inherit
	kids := make([]string, 0, len(pages))
	for _, lines := range pages {
		var content strings.Builder
		content.WriteString("BT /F1 18 Tf 72 760 Td 22 TL\n")
		for _, l := range lines {
			fmt.Fprintf(&content, "(%s) Tj T*\n", escape(l))
		}
		content.WriteString("ET\n")
		stream := add(fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", content.Len(), content.String()))
		parent := pagesObj
		own := fmt.Sprintf("/MediaBox [0 0 612 792] /Resources << /Font << /F1 %d 0 R >> >> ", font)
		if d.Inherit {
			parent, own = middle, ""
		}
		page := add(fmt.Sprintf("<< /Type /Page /Parent %d 0 R %s/Contents %d 0 R >>", parent, own, stream))
		kids = append(kids, fmt.Sprintf("%d 0 R", page))
	}
	if d.Padding > 0 {
		pad := strings.Repeat("0123456789abcde\n", d.Padding/16+1)[:d.Padding]
		add(fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", d.Padding, pad))
	}
	objs[catalog-1] = fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", pagesObj)
	if d.Inherit {
		objs[middle-1] = fmt.Sprintf("<< /Type /Pages /Parent %d 0 R /Kids [%s] /Count %d /MediaBox [0 0 612 792] /Resources << /Font << /F1 %d 0 R >> >> >>",
			pagesObj, strings.Join(kids, " "), len(kids), font)
		kids = []string{fmt.Sprintf("%d 0 R", middle)}
	}
	objs[pagesObj-1] = fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(pages))
	info := 0
	if len(d.Info) > 0 {
		keys := make([]string, 0, len(d.Info))
		for k := range d.Info {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var b strings.Builder
		b.WriteString("<<")
		for _, k := range keys {
			fmt.Fprintf(&b, " /%s %s", k, textString(d.Info[k]))
		}
		b.WriteString(" >>")
		info = add(b.String())
	}
	return Write(objs, catalog, info)
}

// Write lays out objects (objs[i] is object i+1, without its "obj" wrapper) as a PDF with a
// correct cross-reference table; root is the catalog's number, info the information
// dictionary's (0: none).
func Write(objs []string, root, info int) []byte {
	var buf bytes.Buffer
	buf.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = buf.Len()
		fmt.Fprintf(&buf, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := buf.Len()
	fmt.Fprintf(&buf, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&buf, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&buf, "trailer\n<< /Size %d /Root %d 0 R", len(objs)+1, root)
	if info > 0 {
		fmt.Fprintf(&buf, " /Info %d 0 R", info)
	}
	fmt.Fprintf(&buf, " >>\nstartxref\n%d\n%%%%EOF\n", xref)
	return buf.Bytes()
}

// escape makes s a PDF literal string's content (Latin-1 text for WinAnsiEncoding).
func escape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '(' || r == ')' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x80:
			b.WriteRune(r)
		case r < 0x100:
			fmt.Fprintf(&b, "\\%03o", r)
		default:
			b.WriteByte('?')
		}
	}
	return b.String()
}

// textString encodes s as a PDF text string: UTF-16BE with a byte order mark, as a hex string,
// so any text survives.
func textString(s string) string {
	var b strings.Builder
	b.WriteString("<FEFF")
	for _, r := range s {
		if r > 0xFFFF {
			r -= 0x10000
			fmt.Fprintf(&b, "%04X%04X", 0xD800+(r>>10), 0xDC00+(r&0x3FF))
			continue
		}
		fmt.Fprintf(&b, "%04X", r)
	}
	b.WriteString(">")
	return b.String()
}
