from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'refund.subject.txt'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_full = resolve('full')
    l_0_refund_amount = resolve('refund_amount')
    l_0_order = resolve('order')
    l_0_reference = resolve('reference')
    l_0_shop_name = resolve('shop_name')
    try:
        t_1 = environment.filters['money']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'money' found.")
    pass
    yield str(('Refund' if (not (undefined(name='full') if l_0_full is missing else l_0_full)) else 'Full refund'))
    yield ' of '
    yield str(t_1(context, (undefined(name='refund_amount') if l_0_refund_amount is missing else l_0_refund_amount), environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'currency')))
    yield ' for order '
    yield str((undefined(name='reference') if l_0_reference is missing else l_0_reference))
    yield ' from '
    yield str((undefined(name='shop_name') if l_0_shop_name is missing else l_0_shop_name))
    yield '\n'

blocks = {}
debug_info = '1=22'