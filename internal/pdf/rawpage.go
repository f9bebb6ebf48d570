package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strconv"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// errUnsupported makes rawPage give way to pdfcpu's own (slower) page extraction.
var errUnsupported = errors.New("not supported by the raw page writer")

// rawPage writes page n as a PDF of its own by copying, byte for byte, the objects the page
// needs: its dictionary (with the attributes it inherits from the page tree made its own),
// and everything reachable from it — content streams, fonts, images — with streams copied
// still encoded. It only reads the parsed document, so pages can be written in parallel.
// References to other pages (links, annotations' /P) become null: they would otherwise pull
// in the whole document.
func (d *Document) rawPage(n int) ([]byte, error) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	if d.pageTree == nil || n > len(d.pageTree) {
		return nil, fmt.Errorf("%w: no page tree", errUnsupported)
	}
	leaf := d.pageTree[n-1]
	page := types.Dict{}
	for k, v := range leaf.dict {
		if k != "Parent" {
			page[k] = v
		}
	}
	for k, v := range leaf.inherited {
		if _, ok := page[k]; !ok {
			page[k] = v
		}
	}
	if _, ok := page["MediaBox"]; !ok {
		// Required, yet missing in some files; viewers take US Letter, and so do we.
		page["MediaBox"] = types.Array{types.Integer(0), types.Integer(0), types.Integer(612), types.Integer(792)}
	}
	pageRef := types.IndirectRef{ObjectNumber: types.Integer(leaf.num)}

	w := &pageWriter{x: derefer{d}, numbers: map[int]int{}, self: pageRef.ObjectNumber.Value()}
	// Objects 1–3: catalog, page tree, page; the page's dependencies follow.
	w.next = 4
	w.numbers[w.self] = 3
	var body bytes.Buffer
	if err := w.value(&body, page); err != nil {
		return nil, err
	}
	var out bytes.Buffer
	out.Grow(body.Len() + w.size + 1024)
	out.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, 0, w.next)
	obj := func(num int, write func()) {
		offsets = append(offsets, out.Len())
		out.WriteString(strconv.Itoa(num))
		out.WriteString(" 0 obj\n")
		write()
		out.WriteString("\nendobj\n")
	}
	obj(1, func() { out.WriteString("<< /Type /Catalog /Pages 2 0 R >>") })
	obj(2, func() { out.WriteString("<< /Type /Pages /Kids [3 0 R] /Count 1 >>") })
	obj(3, func() {
		out.WriteString("<< /Parent 2 0 R ")
		b := body.Bytes()
		out.Write(b[2:]) // body is "<<...>>": the page dictionary, with /Parent added first
	})
	// Dependencies, in the order they were numbered.
	for i := 0; i < len(w.queue); i++ {
		item := w.queue[i]
		var err error
		obj(item.num, func() { err = w.object(&out, item.obj) })
		if err != nil {
			return nil, err
		}
	}
	xref := out.Len()
	fmt.Fprintf(&out, "xref\n0 %d\n0000000000 65535 f \n", len(offsets)+1)
	for _, off := range offsets {
		fmt.Fprintf(&out, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&out, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offsets)+1, xref)
	return out.Bytes(), nil
}

// derefer reads objects of the parsed document without changing it.
type derefer struct{ d *Document }

func (r derefer) object(num int) (types.Object, bool) {
	e, ok := r.d.ctx.Table[num]
	if !ok || e == nil || e.Free {
		return nil, false
	}
	return e.Object, true
}

type queued struct {
	num int
	obj types.Object
}

// pageWriter renumbers the objects reachable from a page and writes them.
type pageWriter struct {
	x       derefer
	numbers map[int]int // source object number → ours
	next    int
	queue   []queued
	self    int // the page's own source object number
	size    int // stream bytes queued, to size the output buffer
}

// ref returns our number for source object num, queueing the object the first time; 0
// means "write null" (a missing object, or another page).
func (w *pageWriter) ref(num int) (int, error) {
	if n, ok := w.numbers[num]; ok {
		return n, nil
	}
	obj, ok := w.x.object(num)
	if !ok || obj == nil {
		w.numbers[num] = 0
		return 0, nil
	}
	if d, ok := obj.(types.Dict); ok {
		if t := d.NameEntry("Type"); t != nil && (*t == "Page" || *t == "Pages") {
			w.numbers[num] = 0 // another page, or the page tree
			return 0, nil
		}
	}
	if sd, ok := obj.(types.StreamDict); ok {
		if sd.Raw == nil {
			return 0, fmt.Errorf("%w: stream %d not loaded", errUnsupported, num)
		}
		w.size += len(sd.Raw)
	}
	n := w.next
	w.next++
	w.numbers[num] = n
	w.queue = append(w.queue, queued{num: n, obj: obj})
	return n, nil
}

// object writes one queued object.
func (w *pageWriter) object(buf *bytes.Buffer, obj types.Object) error {
	sd, ok := obj.(types.StreamDict)
	if !ok {
		return w.value(buf, obj)
	}
	dict := types.Dict{}
	for k, v := range sd.Dict {
		dict[k] = v
	}
	dict["Length"] = types.Integer(len(sd.Raw))
	if err := w.value(buf, dict); err != nil {
		return err
	}
	buf.WriteString("\nstream\n")
	buf.Write(sd.Raw)
	buf.WriteString("\nendstream")
	return nil
}

// value writes a direct object, renumbering its references.
func (w *pageWriter) value(buf *bytes.Buffer, v types.Object) error {
	switch o := v.(type) {
	case nil:
		buf.WriteString("null")
	case types.IndirectRef:
		n, err := w.ref(o.ObjectNumber.Value())
		if err != nil {
			return err
		}
		if n == 0 {
			buf.WriteString("null")
			return nil
		}
		buf.WriteString(strconv.Itoa(n))
		buf.WriteString(" 0 R")
	case *types.IndirectRef:
		if o == nil {
			buf.WriteString("null")
			return nil
		}
		return w.value(buf, *o)
	case types.Dict:
		keys := make([]string, 0, len(o))
		for k := range o {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		buf.WriteString("<<")
		for _, k := range keys {
			buf.WriteByte(' ')
			buf.WriteString(types.Name(k).PDFString())
			buf.WriteByte(' ')
			if err := w.value(buf, o[k]); err != nil {
				return err
			}
		}
		buf.WriteString(" >>")
	case types.Array:
		buf.WriteByte('[')
		for i, e := range o {
			if i > 0 {
				buf.WriteByte(' ')
			}
			if err := w.value(buf, e); err != nil {
				return err
			}
		}
		buf.WriteByte(']')
	case types.StreamDict:
		// A stream can only be referenced, never written inside another object.
		return fmt.Errorf("%w: a direct stream", errUnsupported)
	default:
		buf.WriteString(v.PDFString())
	}
	return nil
}

// inheritable are the page attributes a page takes from the page tree above it.
var inheritable = []string{"Resources", "MediaBox", "CropBox", "Rotate"}

// pageLeaf is one page: its object number, its dictionary, and what it inherits.
type pageLeaf struct {
	num       int
	dict      types.Dict
	inherited types.Dict
}

// walkPages lists the pages in order, reading the page tree once (cycles and depth over 64
// are refused). It only reads the parsed document.
func walkPages(x derefer, root types.IndirectRef, limit int) ([]pageLeaf, error) {
	var out []pageLeaf
	visited := map[int]bool{}
	var walk func(ref types.IndirectRef, inherited types.Dict, depth int) error
	walk = func(ref types.IndirectRef, inherited types.Dict, depth int) error {
		num := ref.ObjectNumber.Value()
		if depth > 64 || visited[num] {
			return fmt.Errorf("%w: page tree loops or is too deep", errUnsupported)
		}
		visited[num] = true
		obj, ok := x.object(num)
		d, isDict := obj.(types.Dict)
		if !ok || !isDict {
			return fmt.Errorf("%w: page tree node %d is not a dictionary", errUnsupported, num)
		}
		here := inherited
		var own types.Dict // a copy, made when this node sets an inheritable attribute
		for _, k := range inheritable {
			if v, ok := d[k]; ok {
				if own == nil {
					own = types.Dict{}
					for kk, vv := range inherited {
						own[kk] = vv
					}
				}
				own[k] = v
			}
		}
		if own != nil {
			here = own
		}
		kids, hasKids := d["Kids"]
		if t := d.NameEntry("Type"); (t != nil && *t == "Page") || !hasKids {
			if len(out) >= limit {
				return fmt.Errorf("%w: more pages than declared", errUnsupported)
			}
			out = append(out, pageLeaf{num: num, dict: d, inherited: here})
			return nil
		}
		if r, ok := kids.(types.IndirectRef); ok {
			kids, _ = x.object(r.ObjectNumber.Value())
		}
		arr, ok := kids.(types.Array)
		if !ok {
			return fmt.Errorf("%w: page tree node %d has no kids array", errUnsupported, num)
		}
		for _, k := range arr {
			kr, ok := k.(types.IndirectRef)
			if !ok {
				return fmt.Errorf("%w: a kid of page tree node %d is not a reference", errUnsupported, num)
			}
			if err := walk(kr, here, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(root, nil, 0); err != nil {
		return nil, err
	}
	return out, nil
}

// PageSize returns page n's width and height in points (1/72 inch), from its media box,
// or ok false when the page tree could not be read that way.
func (d *Document) PageSize(n int) (w, h float64, ok bool) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	if d.pageTree == nil || n < 1 || n > len(d.pageTree) {
		return 0, 0, false
	}
	leaf := d.pageTree[n-1]
	box, found := leaf.dict["MediaBox"]
	if !found {
		box, found = leaf.inherited["MediaBox"]
	}
	if !found {
		return 612, 792, true // US Letter, as rawPage writes it
	}
	if r, isRef := box.(types.IndirectRef); isRef {
		box, _ = derefer{d}.object(r.ObjectNumber.Value())
	}
	arr, isArr := box.(types.Array)
	if !isArr || len(arr) != 4 {
		return 0, 0, false
	}
	nums := make([]float64, 4)
	for i, v := range arr {
		if r, isRef := v.(types.IndirectRef); isRef {
			v, _ = derefer{d}.object(r.ObjectNumber.Value())
		}
		switch x := v.(type) {
		case types.Integer:
			nums[i] = float64(x.Value())
		case types.Float:
			nums[i] = x.Value()
		default:
			return 0, 0, false
		}
	}
	w, h = nums[2]-nums[0], nums[3]-nums[1]
	if w < 0 {
		w = -w
	}
	if h < 0 {
		h = -h
	}
	return w, h, true
}
