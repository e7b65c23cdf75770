//! Drawing in millimetres from the top-left corner of a page: text (measured, aligned,
//! wrapped), lines, boxes, an image; collected into printpdf pages.

use printpdf::{Color, FontId, Greyscale, Line, LinePoint, Mm, Op, ParsedFont, PdfFontHandle, PdfPage, Point, Pt, Rgb, TextItem, XObjectId, XObjectTransform};

/// Characters that may not begin a line (行頭禁則).
const NO_LINE_START: &str = "）)」』】〕〉》、。，．,.・：；:;！？!?ーぁぃぅぇぉっゃゅょァィゥェォッャュョ々";

/// Points per millimetre.
const PT_PER_MM: f32 = 72.0 / 25.4;

/// The colour a line or box is stroked in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ink {
    Black,
    /// 朱色 (JIS Z 8102: #EB6101), the red-orange of a postcard's postal-code frames, which
    /// the sorting machines' readers drop out so that only the handwritten digits remain.
    Vermilion,
}

impl Ink {
    fn color(self) -> Color {
        match self {
            Ink::Black => Color::Greyscale(Greyscale { percent: 0.0, icc_profile: None }),
            Ink::Vermilion => Color::Rgb(Rgb { r: 235.0 / 255.0, g: 97.0 / 255.0, b: 1.0 / 255.0, icc_profile: None }),
        }
    }
}

/// The font and its id in the document.
pub struct Font<'a> {
    pub parsed: &'a ParsedFont,
    pub id: FontId,
}

impl Font<'_> {
    /// The advance width of `text` at `size` points, in millimetres.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        let upem = f32::from(self.parsed.font_metrics.units_per_em.max(1));
        let units: u32 =
            text.chars().map(|c| self.parsed.lookup_glyph_index(c as u32).map_or(upem as u32, |g| u32::from(self.parsed.get_horizontal_advance(g)))).sum();
        units as f32 / upem * size / PT_PER_MM
    }

    /// Breaks `text` into lines no wider than `max_mm` (by character, as Japanese is set),
    /// keeping explicit line breaks.
    pub fn wrap(&self, text: &str, size: f32, max_mm: f32) -> Vec<String> {
        let mut lines = Vec::new();
        for paragraph in text.split('\n') {
            let mut line = String::new();
            for c in paragraph.chars() {
                let mut candidate = line.clone();
                candidate.push(c);
                // 禁則: closing brackets and stops never start a line; they hang instead.
                if !line.is_empty() && self.width(&candidate, size) > max_mm && !NO_LINE_START.contains(c) {
                    lines.push(std::mem::take(&mut line));
                    line.push(c);
                } else {
                    line = candidate;
                }
            }
            lines.push(line);
        }
        lines
    }
}

/// One page being drawn.
pub struct Canvas<'a> {
    font: &'a Font<'a>,
    width: f32,
    height: f32,
    ops: Vec<Op>,
}

impl<'a> Canvas<'a> {
    pub fn new(font: &'a Font<'a>, width_mm: f32, height_mm: f32) -> Self {
        Canvas { font, width: width_mm, height: height_mm, ops: Vec::new() }
    }

    pub fn font(&self) -> &Font<'a> {
        self.font
    }

    fn point(&self, x: f32, y: f32) -> Point {
        Point { x: Pt(x * PT_PER_MM), y: Pt((self.height - y) * PT_PER_MM) }
    }

    /// Text with its baseline at `y`, starting at `x`.
    pub fn text(&mut self, x: f32, y: f32, size: f32, text: &str) {
        if text.is_empty() {
            return;
        }
        let pos = self.point(x, y);
        self.ops.extend([
            Op::StartTextSection,
            Op::SetFont { font: PdfFontHandle::External(self.font.id.clone()), size: Pt(size) },
            Op::SetTextCursor { pos },
            Op::ShowText { items: vec![TextItem::Text(text.to_string())] },
            Op::EndTextSection,
        ]);
    }

    /// Text ending at `right`.
    pub fn text_right(&mut self, right: f32, y: f32, size: f32, text: &str) {
        let width = self.font.width(text, size);
        self.text(right - width, y, size, text);
    }

    /// Text centred on `center`.
    pub fn text_center(&mut self, center: f32, y: f32, size: f32, text: &str) {
        let width = self.font.width(text, size);
        self.text(center - width / 2.0, y, size, text);
    }

    /// Wrapped text from `y` down; returns the y below the last line.
    pub fn paragraph(&mut self, x: f32, y: f32, size: f32, max_width: f32, text: &str) -> f32 {
        let leading = size / PT_PER_MM * 1.5;
        let mut y = y;
        for line in self.font.wrap(text, size, max_width) {
            self.text(x, y, size, &line);
            y += leading;
        }
        y
    }

    pub fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, thickness_pt: f32) {
        self.line_in(Ink::Black, x1, y1, x2, y2, thickness_pt);
    }

    pub fn line_in(&mut self, ink: Ink, x1: f32, y1: f32, x2: f32, y2: f32, thickness_pt: f32) {
        let points = vec![self.point(x1, y1), self.point(x2, y2)];
        self.stroke(ink, thickness_pt, points, false);
    }

    /// A box outline; `y` is its top edge.
    pub fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, thickness_pt: f32) {
        self.rect_in(Ink::Black, x, y, w, h, thickness_pt);
    }

    pub fn rect_in(&mut self, ink: Ink, x: f32, y: f32, w: f32, h: f32, thickness_pt: f32) {
        let corners = vec![self.point(x, y), self.point(x + w, y), self.point(x + w, y + h), self.point(x, y + h)];
        self.stroke(ink, thickness_pt, corners, true);
    }

    fn stroke(&mut self, ink: Ink, thickness_pt: f32, points: Vec<Point>, is_closed: bool) {
        self.ops.extend([
            Op::SetOutlineColor { col: ink.color() },
            Op::SetOutlineThickness { pt: Pt(thickness_pt) },
            Op::DrawLine { line: Line { points: points.into_iter().map(|p| LinePoint { p, bezier: false }).collect(), is_closed } },
        ]);
    }

    /// A light grey band (table headers); `y` is its top edge.
    pub fn shade(&mut self, x: f32, y: f32, w: f32, h: f32) {
        let corners = [self.point(x, y), self.point(x + w, y), self.point(x + w, y + h), self.point(x, y + h)];
        self.ops.extend([
            Op::SaveGraphicsState,
            Op::SetFillColor { col: Color::Greyscale(Greyscale { percent: 0.9, icc_profile: None }) },
            Op::DrawPolygon {
                polygon: printpdf::Polygon {
                    rings: vec![printpdf::PolygonRing { points: corners.iter().map(|p| LinePoint { p: *p, bezier: false }).collect() }],
                    mode: printpdf::PaintMode::Fill,
                    winding_order: printpdf::WindingOrder::NonZero,
                },
            },
            Op::RestoreGraphicsState,
        ]);
    }

    /// An image `width_mm` wide with its top-left corner at (x, y); `pixels` = (w, h).
    pub fn image(&mut self, id: &XObjectId, pixels: (usize, usize), x: f32, y: f32, width_mm: f32) {
        let (w, h) = (pixels.0.max(1) as f32, pixels.1.max(1) as f32);
        let dpi = w / (width_mm / 25.4);
        let height_mm = h / dpi * 25.4;
        let bottom_left = self.point(x, y + height_mm);
        self.ops.push(Op::UseXobject {
            id: id.clone(),
            transform: XObjectTransform { translate_x: Some(bottom_left.x), translate_y: Some(bottom_left.y), dpi: Some(dpi), ..Default::default() },
        });
    }

    pub fn finish(self) -> PdfPage {
        PdfPage::new(Mm(self.width), Mm(self.height), self.ops)
    }
}
