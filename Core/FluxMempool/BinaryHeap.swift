/// A binary heap ordered by `precedes`: `first` is the element no other precedes.
struct BinaryHeap<Element> {
    private(set) var elements: [Element] = []
    let precedes: (Element, Element) -> Bool

    init(precedes: @escaping (Element, Element) -> Bool) { self.precedes = precedes }

    var count: Int { elements.count }
    var isEmpty: Bool { elements.isEmpty }
    var first: Element? { elements.first }

    mutating func insert(_ e: Element) {
        elements.append(e)
        var i = elements.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard precedes(elements[i], elements[parent]) else { break }
            elements.swapAt(i, parent)
            i = parent
        }
    }

    mutating func popFirst() -> Element? {
        guard !elements.isEmpty else { return nil }
        elements.swapAt(0, elements.count - 1)
        let top = elements.removeLast()
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var best = i
            if l < elements.count && precedes(elements[l], elements[best]) { best = l }
            if r < elements.count && precedes(elements[r], elements[best]) { best = r }
            if best == i { break }
            elements.swapAt(i, best)
            i = best
        }
        return top
    }

    mutating func removeAll() { elements.removeAll(keepingCapacity: true) }
}
