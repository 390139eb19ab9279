//! What the lesson panel shows, as plain data: the shipped lessons (read and checked by
//! the core), where the class is in the course, and what a link's `lesson=` and
//! `step=` open.

use crate::i18n::Lang;
use crate::url::Notice;
use driftlab_sim::lesson::{self, Lesson};
use driftlab_sim::presets;
use std::sync::OnceLock;

/// The shipped lessons, in the order of the course (checked once; the core's tests
/// check every one of them, so none is ever refused here).
pub fn lessons() -> &'static [Lesson] {
    static LESSONS: OnceLock<Vec<Lesson>> = OnceLock::new();
    LESSONS.get_or_init(|| lesson::shipped().unwrap_or_default())
}

/// The core's language for the app's.
pub fn core_lang(lang: Lang) -> presets::Lang {
    match lang {
        Lang::En => presets::Lang::En,
        Lang::Fr => presets::Lang::Fr,
    }
}

/// A step of the course: which lesson, which step of it (both from 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pos {
    /// The lesson's index in [`lessons`].
    pub lesson: usize,
    /// The step's index in the lesson.
    pub step: usize,
}

impl Pos {
    /// The first step of the course.
    pub const FIRST: Pos = Pos { lesson: 0, step: 0 };

    /// The next step, in this lesson or the next one; none at the end of the course.
    pub fn next(self, lessons: &[Lesson]) -> Option<Pos> {
        if self.step + 1 < lessons[self.lesson].steps.len() {
            Some(Pos {
                step: self.step + 1,
                ..self
            })
        } else {
            (self.lesson + 1 < lessons.len()).then_some(Pos {
                lesson: self.lesson + 1,
                step: 0,
            })
        }
    }

    /// The previous step, in this lesson or the previous one; none at the start.
    pub fn prev(self, lessons: &[Lesson]) -> Option<Pos> {
        if self.step > 0 {
            Some(Pos {
                step: self.step - 1,
                ..self
            })
        } else if self.lesson > 0 {
            let l = self.lesson - 1;
            Some(Pos {
                lesson: l,
                step: lessons[l].steps.len() - 1,
            })
        } else {
            None
        }
    }

    /// This step's number in the whole course (from 1), and the course's steps.
    pub fn progress(self, lessons: &[Lesson]) -> (usize, usize) {
        let before: usize = lessons[..self.lesson].iter().map(|l| l.steps.len()).sum();
        let total = lessons.iter().map(|l| l.steps.len()).sum();
        (before + self.step + 1, total)
    }

    /// The link's `lesson=` and `step=` (from 1) of this step.
    pub fn params(self, lessons: &[Lesson]) -> [(&'static str, String); 2] {
        [
            ("lesson", lessons[self.lesson].id.clone()),
            ("step", (self.step + 1).to_string()),
        ]
    }
}

/// What a link's `lesson=` (a lesson's id) and `step=` (a number from 1, or a step's
/// id) open, and the notice if they name nothing: an unknown lesson opens none, an
/// unknown step opens its lesson's first.
pub fn find(lessons: &[Lesson], lesson: &str, step: Option<&str>) -> (Option<Pos>, Option<Notice>) {
    let Some(l) = lessons.iter().position(|x| x.id == lesson) else {
        let known = lessons
            .iter()
            .map(|x| x.id.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        return (
            None,
            Some(Notice::Lesson {
                value: lesson.to_string(),
                known,
            }),
        );
    };
    match step {
        None => (Some(Pos { lesson: l, step: 0 }), None),
        Some(s) => match lessons[l].step(s) {
            Some(i) => (Some(Pos { lesson: l, step: i }), None),
            None => (
                Some(Pos { lesson: l, step: 0 }),
                Some(Notice::LessonStep {
                    value: s.to_string(),
                    lesson: lesson.to_string(),
                    steps: lessons[l].steps.len(),
                }),
            ),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::View;
    use driftlab_sim::lesson::VIEWS;

    #[test]
    fn the_course_is_walked_in_order() {
        let ls = lessons();
        assert!(ls.len() >= 2, "the shipped lessons are read");
        let n = ls[0].steps.len();
        let mut p = Pos::FIRST;
        assert_eq!(p.prev(ls), None);
        let mut seen = 1;
        while let Some(q) = p.next(ls) {
            assert_eq!(q.prev(ls), Some(p));
            p = q;
            seen += 1;
            assert_eq!(p.progress(ls).0, seen);
        }
        assert_eq!(seen, p.progress(ls).1);
        assert_eq!(
            Pos { lesson: 1, step: 0 }.progress(ls).0,
            n + 1,
            "the second chapter starts after the first's {n} steps"
        );
        assert_eq!(
            Pos { lesson: 0, step: 1 }.params(ls),
            [
                ("lesson", "clocks-drift".to_string()),
                ("step", "2".to_string())
            ]
        );
    }

    #[test]
    fn links_name_a_lesson_and_a_step() {
        let ls = lessons();
        assert_eq!(
            find(ls, "ntp", Some("2")),
            (Some(Pos { lesson: 1, step: 1 }), None)
        );
        assert_eq!(
            find(ls, "ntp", Some("asymmetric")).0,
            Some(Pos { lesson: 1, step: 1 })
        );
        assert_eq!(find(ls, "clocks-drift", None), (Some(Pos::FIRST), None));
        let (p, n) = find(ls, "cooking", Some("1"));
        assert_eq!(p, None);
        let text = n.unwrap().text(Lang::En);
        assert!(
            text.contains("“cooking”") && text.contains("clocks-drift, ntp"),
            "{text}"
        );
        let (p, n) = find(ls, "ntp", Some("9"));
        assert_eq!(p, Some(Pos { lesson: 1, step: 0 }));
        let fr = n.unwrap().text(Lang::Fr);
        assert!(fr.contains("« 9 »") && fr.contains("1 à 3"), "{fr}");
    }

    #[test]
    fn every_view_a_lesson_may_name_is_a_view_of_the_app() {
        for v in VIEWS {
            assert!(View::parse(v).is_some(), "{v}");
        }
        for l in lessons() {
            for s in &l.steps {
                assert!(View::parse(&s.view).is_some());
            }
        }
    }
}
