// The admin's "Add a new ..." link beside a list of checkboxes (a campaign's
// statistics) opens a form in a small window. When it is saved there, Django's
// own script fills in only <select> and <input> fields, so the new row would be
// made but not shown. This adds it to the list, checked; Django's script then
// closes the window as usual.
"use strict";
{
    const djangoDismiss = window.dismissAddRelatedObjectPopup;
    if (typeof djangoDismiss === "function") {
        window.dismissAddRelatedObjectPopup = function (win, newId, newRepr, ...rest) {
            const id = win.name.replace(/__\d+$/, "");
            const list = document.getElementById(id);
            if (list && list.nodeName.toUpperCase() === "DIV") {
                const boxes = list.querySelectorAll('input[type="checkbox"]');
                const box = document.createElement("input");
                box.type = "checkbox";
                box.name = boxes.length ? boxes[0].name : id.replace(/^id_/, "");
                box.value = newId;
                box.checked = true;
                box.id = `${id}_new_${newId}`;
                const label = document.createElement("label");
                label.htmlFor = box.id;
                label.append(box, " ", newRepr);
                const row = document.createElement("div");
                row.append(label);
                list.append(row);
            }
            return djangoDismiss.call(this, win, newId, newRepr, ...rest);
        };
    }
}
