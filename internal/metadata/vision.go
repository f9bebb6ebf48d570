package metadata

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/jpeg"
	_ "image/png" // decoder for page images
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/image/draw"
)

// When a vision-capable model is sent page 1's image, and how large the image may be.
const (
	// MinUsableLetters: a first page whose words of three letters or more hold fewer letters
	// than this says too little to catalogue a score from (a scan without a text layer; a
	// page of music whose text extraction yields stray glyphs and digits from the music
	// font). A title page with a title, a composer and a line more has more.
	MinUsableLetters = 40
	// MinOCRConfidence: OCR text read with a lower mean word confidence is not trusted on
	// its own, however long (a skewed or noisy scan reads as plausible-looking nonsense).
	MinOCRConfidence = 0.6
	// MaxImageBytes caps the image sent (before base64, which adds a third): an image over
	// it, or larger than MaxImageSide, is re-encoded as JPEG, at a smaller size if need be;
	// one that does not fit even so is not sent.
	MaxImageBytes = 4 << 20
)

// minResizedSide: an image is not shrunk below this (longer side, pixels) to fit
// MaxImageBytes; the print of a title page is no longer legible below it.
const minResizedSide = 600

// maxDecodePixels bounds the image decoded for re-encoding (a claimed size is checked
// before decoding): four times a MaxImageSide square.
const maxDecodePixels = 4 * MaxImageSide * MaxImageSide

// ThinText reports whether the first page's text is too little or too unsure to read the
// score's metadata from: fewer than MinUsableLetters letters in words of three letters or
// more, or OCR text whose mean confidence is below MinOCRConfidence. Then page 1's image,
// if the pipeline provides it, goes to a vision-capable model.
func (in Input) ThinText() bool {
	if in.FirstPageSource == SourceOCR && in.FirstPageConfidence < MinOCRConfidence {
		return true
	}
	return usableLetters(in.FirstPageText) < MinUsableLetters
}

// usableLetters counts the letters of text's words of three letters or more.
func usableLetters(text string) int {
	n := 0
	for _, w := range strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) }) {
		if c := utf8.RuneCountInString(w); c >= 3 {
			n += c
		}
	}
	return n
}

// imageURL returns img (a PNG or JPEG) as a data URL for the model: as it is when it is
// within MaxImageBytes and MaxImageSide, else re-encoded as JPEG, scaled down as far as
// minResizedSide until it fits. It returns "" when the image cannot be sent: not a PNG or
// JPEG, damaged, too large to decode, or over MaxImageBytes at minResizedSide.
func imageURL(img []byte) string {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(img))
	if err != nil || (format != "png" && format != "jpeg") || cfg.Width <= 0 || cfg.Height <= 0 {
		return ""
	}
	longer := max(cfg.Width, cfg.Height)
	if len(img) <= MaxImageBytes && longer <= MaxImageSide {
		return dataURL("image/"+format, img)
	}
	if int64(cfg.Width)*int64(cfg.Height) > maxDecodePixels {
		return ""
	}
	src, _, err := image.Decode(bytes.NewReader(img))
	if err != nil {
		return ""
	}
	for side := min(longer, MaxImageSide); side >= minResizedSide; side = side * 3 / 4 {
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, scale(src, side), &jpeg.Options{Quality: 85}); err != nil {
			return ""
		}
		if buf.Len() <= MaxImageBytes {
			return dataURL("image/jpeg", buf.Bytes())
		}
	}
	return ""
}

// scale returns src with its longer side side pixels (src itself when it is that size);
// greyscale stays greyscale, which JPEG stores in a third of the bytes.
func scale(src image.Image, side int) image.Image {
	b := src.Bounds()
	longer := max(b.Dx(), b.Dy())
	if longer == side {
		return src
	}
	w, h := max(1, b.Dx()*side/longer), max(1, b.Dy()*side/longer)
	var dst draw.Image
	switch src.(type) {
	case *image.Gray, *image.Gray16:
		dst = image.NewGray(image.Rect(0, 0, w, h))
	default:
		dst = image.NewRGBA(image.Rect(0, 0, w, h))
	}
	// On white: JPEG has no transparency, and a transparent page would turn black.
	draw.Draw(dst, dst.Bounds(), image.White, image.Point{}, draw.Src)
	draw.ApproxBiLinear.Scale(dst, dst.Bounds(), src, b, draw.Over, nil)
	return dst
}

func dataURL(mime string, data []byte) string {
	return "data:" + mime + ";base64," + base64.StdEncoding.EncodeToString(data)
}
