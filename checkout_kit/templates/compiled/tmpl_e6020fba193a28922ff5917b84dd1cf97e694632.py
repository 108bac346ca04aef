from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = '_totals.html'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_order = resolve('order')
    l_0_interval = resolve('interval')
    l_0_t = l_0_cell = missing
    try:
        t_1 = environment.filters['money']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'money' found.")
    pass
    l_0_t = environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'totals')
    context.vars['t'] = l_0_t
    context.exported_vars.add('t')
    l_0_cell = 'padding:4px 0;color:#5b6275;'
    context.vars['cell'] = l_0_cell
    context.exported_vars.add('cell')
    if ((undefined(name='t') if l_0_t is missing else l_0_t) and (((environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'amount_discount') or environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'amount_shipping')) or environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'amount_tax')) or environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'shipping_label'))):
        pass
        yield '<tr><td style="'
        yield escape((undefined(name='cell') if l_0_cell is missing else l_0_cell))
        yield '">Subtotal</td><td style="'
        yield escape((undefined(name='cell') if l_0_cell is missing else l_0_cell))
        yield 'text-align:right;white-space:nowrap;" data-total="subtotal">'
        yield escape(t_1(context, environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'amount_subtotal'), environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'currency')))
        yield '</td></tr>\n'
        if environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'amount_discount'):
            pass
            yield '<tr><td style="'
            yield escape((undefined(name='cell') if l_0_cell is missing else l_0_cell))
            yield '">Discount'
            if environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'discount_label'):
                pass
                yield ' ('
                yield escape(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'discount_label'))
                yield ')'
            yield '</td><td style="'
            yield escape((undefined(name='cell') if l_0_cell is missing else l_0_cell))
            yield 'text-align:right;white-space:nowrap;" data-total="discount">-'
            yield escape(t_1(context, environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'amount_discount'), environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'currency')))
            yield '</td></tr>\n'
        if (environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'amount_shipping') or environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'shipping_label')):
            pass
            yield '<tr><td style="'
            yield escape((undefined(name='cell') if l_0_cell is missing else l_0_cell))
            yield '">Shipping'
            if environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'shipping_label'):
                pass
                yield ' ('
                yield escape(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'shipping_label'))
                yield ')'
            yield '</td><td style="'
            yield escape((undefined(name='cell') if l_0_cell is missing else l_0_cell))
            yield 'text-align:right;white-space:nowrap;" data-total="shipping">'
            yield escape(t_1(context, environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'amount_shipping'), environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'currency')))
            yield '</td></tr>\n'
        if environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'amount_tax'):
            pass
            yield '<tr><td style="'
            yield escape((undefined(name='cell') if l_0_cell is missing else l_0_cell))
            yield '">Tax</td><td style="'
            yield escape((undefined(name='cell') if l_0_cell is missing else l_0_cell))
            yield 'text-align:right;white-space:nowrap;" data-total="tax">'
            yield escape(t_1(context, environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'amount_tax'), environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'currency')))
            yield '</td></tr>\n'
    yield '<tr><td style="padding:12px 0;font-weight:700;">Total</td><td style="padding:12px 0;text-align:right;font-weight:700;" data-total="total">'
    yield escape(t_1(context, environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'amount_total'), environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'currency')))
    if (environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'mode') == 'subscription'):
        pass
        yield ' / '
        yield escape((undefined(name='interval') if l_0_interval is missing else l_0_interval))
    yield '</td></tr>\n'
    if (((undefined(name='t') if l_0_t is missing else l_0_t) and environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'invoice_id')) and (environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'invoice_url') or environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'invoice_pdf'))):
        pass
        yield '<tr><td colspan="2" style="padding:4px 0;">Invoice: '
        if environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'invoice_url'):
            pass
            yield '<a href="'
            yield escape(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'invoice_url'))
            yield '">view online</a>'
        if (environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'invoice_url') and environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'invoice_pdf')):
            pass
            yield ' · '
        if environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'invoice_pdf'):
            pass
            yield '<a href="'
            yield escape(environment.getattr((undefined(name='t') if l_0_t is missing else l_0_t), 'invoice_pdf'))
            yield '">download PDF</a>'
        yield '</td></tr>\n'

blocks = {}
debug_info = '1=20&2=23&3=26&4=29&5=35&7=50&9=65&12=75&13=81&14=84'